//! Published revisions. A datafile is serialized once, when it is published,
//! and stored with its digest; the first time a process serves a revision it
//! prepares it once ([`Prepared`]): the bytes, their gzip and brotli
//! encodings and the compiled form evaluation reads.

use crate::audit::Writer;
use crate::error::{ApiError, Result};
use crate::store::{DatafileRevision, Environment, Tx};
use axum::body::Bytes;
use chrono::SecondsFormat;
use evaluator_core::{CompiledDatafile, Datafile};
use sha2::{Digest, Sha256};
use std::io::Write;

/// Hex digits of the SHA-256 digest kept as the ETag (128 bits).
const ETAG_HEX_DIGITS: usize = 32;
/// Brotli's densest setting: the cost is paid once per revision.
const BROTLI_QUALITY: u32 = 11;
const BROTLI_WINDOW_BITS: u32 = 22;

/// Stores `datafile` (already validated, its `revision` set) as published by
/// `writer`; `source_revision` names the revision a rollback re-publishes.
pub async fn store_revision(
    tx: &mut dyn Tx,
    environment_id: &str,
    datafile: &Datafile,
    writer: &Writer,
    source_revision: Option<i64>,
) -> Result<DatafileRevision> {
    let body = serde_json::to_string(datafile)
        .map_err(|error| ApiError::Internal(format!("serializing the datafile: {error}")))?;
    let revision = DatafileRevision {
        environment_id: environment_id.to_owned(),
        revision: i64::try_from(datafile.revision)
            .map_err(|_| ApiError::Internal("revision out of range".to_owned()))?,
        etag: digest(body.as_bytes()),
        body,
        published_at: writer.now,
        published_by: writer.actor_name.clone(),
        source_revision,
    };
    tx.insert_datafile_revision(&revision).await?;
    Ok(revision)
}

/// Publishes `datafile` as the next revision of `env`: moves the environment's
/// revision, stamps the datafile with it and the time, and stores it; 422
/// naming the field if evaluator-core rejects it (nothing it rejects is published).
pub async fn publish_next(
    tx: &mut dyn Tx,
    env: &Environment,
    mut datafile: Datafile,
    writer: &Writer,
    source_revision: Option<i64>,
) -> Result<DatafileRevision> {
    let published = tx
        .publish_environment(&env.id, writer.now)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("environment `{}`", env.key)))?;
    datafile.revision = u64::try_from(published.revision).unwrap_or_default();
    datafile.published_at = writer.now.to_rfc3339_opts(SecondsFormat::Millis, true);
    datafile
        .validate()
        .map_err(|error| ApiError::invalid(format!("datafile.{}", error.path), error.message))?;
    store_revision(tx, &env.id, &datafile, writer, source_revision).await
}

/// Hex SHA-256 prefix of `bytes`.
fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    hex.truncate(ETAG_HEX_DIGITS);
    hex
}

/// A content coding the datafile is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` value, `None` for identity.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some("gzip"),
            Self::Brotli => Some("br"),
        }
    }

    /// What the ETag of this coding carries after the digest: each coding is
    /// a different representation, so it gets its own strong validator.
    fn etag_suffix(self) -> &'static str {
        match self {
            Self::Identity => "",
            Self::Gzip => "-gzip",
            Self::Brotli => "-br",
        }
    }
}

/// A revision ready to serve: prepared once, shared by every request.
pub struct Prepared {
    pub environment_id: String,
    pub revision: i64,
    digest: String,
    identity: Bytes,
    /// `None` when compressing would not make it smaller.
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    pub compiled: CompiledDatafile,
}

impl Prepared {
    /// Compiles and compresses a stored revision (CPU-bound: run it off the async workers).
    pub fn prepare(
        environment_id: String,
        revision: i64,
        digest: String,
        body: String,
    ) -> Result<Self> {
        let compiled = CompiledDatafile::from_json(&body).map_err(|error| {
            ApiError::Internal(format!(
                "stored datafile revision {revision} of {environment_id} does not compile: {error}"
            ))
        })?;
        let identity = Bytes::from(body);
        let smaller = |encoded: Vec<u8>| (encoded.len() < identity.len()).then(|| encoded.into());
        let gzip = smaller(gzip(&identity)?);
        let brotli = smaller(brotli(&identity)?);
        Ok(Self {
            environment_id,
            revision,
            digest,
            identity,
            gzip,
            brotli,
            compiled,
        })
    }

    /// The best coding the client accepts, with its bytes.
    pub fn select(&self, accepted: AcceptedEncodings) -> (Encoding, &Bytes) {
        match (&self.brotli, &self.gzip) {
            (Some(bytes), _) if accepted.brotli => (Encoding::Brotli, bytes),
            (_, Some(bytes)) if accepted.gzip => (Encoding::Gzip, bytes),
            _ => (Encoding::Identity, &self.identity),
        }
    }

    /// The strong, quoted ETag of the representation in `encoding`.
    pub fn etag(&self, encoding: Encoding) -> String {
        format!("\"{}{}\"", self.digest, encoding.etag_suffix())
    }

    /// Whether `If-None-Match` names a representation of this revision.
    pub fn matches(&self, if_none_match: &str) -> bool {
        if_none_match.split(',').map(str::trim).any(|tag| {
            let opaque = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
            let digest = opaque
                .strip_suffix(Encoding::Gzip.etag_suffix())
                .or_else(|| opaque.strip_suffix(Encoding::Brotli.etag_suffix()))
                .unwrap_or(opaque);
            tag == "*" || digest == self.digest
        })
    }
}

/// The codings a request's `Accept-Encoding` allows (q > 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AcceptedEncodings {
    pub gzip: bool,
    pub brotli: bool,
}

impl AcceptedEncodings {
    /// Parses `Accept-Encoding` (`gzip, br;q=0.8, *;q=0`).
    pub fn parse(header: Option<&str>) -> Self {
        let (mut gzip, mut brotli, mut any) = (None, None, None);
        for item in header.unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let slot = match coding.to_ascii_lowercase().as_str() {
                "gzip" | "x-gzip" => &mut gzip,
                "br" => &mut brotli,
                "*" => &mut any,
                _ => continue,
            };
            *slot = Some(q > 0.0);
        }
        Self {
            gzip: gzip.or(any).unwrap_or(false),
            brotli: brotli.or(any).unwrap_or(false),
        }
    }
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|error| ApiError::Internal(format!("gzip: {error}")))
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoded = Vec::new();
    {
        let mut encoder =
            brotli::CompressorWriter::new(&mut encoded, 4096, BROTLI_QUALITY, BROTLI_WINDOW_BITS);
        encoder
            .write_all(bytes)
            .map_err(|error| ApiError::Internal(format!("brotli: {error}")))?;
    }
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn prepared(body: &str) -> Prepared {
        let datafile = format!(
            r#"{{"schemaVersion":1,"revision":1,"publishedAt":"2026-01-01T00:00:00Z",
            "environment":{{"id":"env_1","key":"production"}},"flags":[],
            "audiences":[],"events":[{{"key":"{body}","type":"CONVERSION"}}]}}"#
        );
        let digest = digest(datafile.as_bytes());
        Prepared::prepare("env_1".to_owned(), 1, digest, datafile).expect("prepares")
    }

    #[test]
    fn accept_encoding_honours_q_values_and_wildcards() {
        let parse = |h| AcceptedEncodings::parse(Some(h));
        assert_eq!(
            parse("gzip, deflate, br"),
            AcceptedEncodings {
                gzip: true,
                brotli: true
            }
        );
        assert_eq!(
            parse("br;q=0, gzip;q=0.5"),
            AcceptedEncodings {
                gzip: true,
                brotli: false
            }
        );
        assert_eq!(
            parse("*"),
            AcceptedEncodings {
                gzip: true,
                brotli: true
            }
        );
        assert_eq!(
            parse("*;q=0, GZIP"),
            AcceptedEncodings {
                gzip: true,
                brotli: false
            }
        );
        assert_eq!(AcceptedEncodings::parse(None), AcceptedEncodings::default());
        assert_eq!(parse("identity"), AcceptedEncodings::default());
    }

    #[test]
    fn codings_round_trip_and_have_their_own_etags() {
        let prepared = prepared(&"purchase".repeat(200));
        let all = AcceptedEncodings {
            gzip: true,
            brotli: true,
        };
        let (encoding, bytes) = prepared.select(all);
        assert_eq!(encoding, Encoding::Brotli);
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&bytes[..], 4096)
            .read_to_end(&mut decoded)
            .expect("valid brotli");
        assert_eq!(decoded, prepared.identity);
        let (encoding, bytes) = prepared.select(AcceptedEncodings {
            gzip: true,
            brotli: false,
        });
        assert_eq!(encoding, Encoding::Gzip);
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut decoded)
            .expect("valid gzip");
        assert_eq!(decoded, prepared.identity);
        let tags: Vec<String> = [Encoding::Identity, Encoding::Gzip, Encoding::Brotli]
            .map(|e| prepared.etag(e))
            .into();
        assert!(tags[0].starts_with('"') && tags[0].len() == ETAG_HEX_DIGITS + 2);
        assert_ne!(tags[0], tags[1]);
        for tag in &tags {
            assert!(prepared.matches(tag), "{tag}");
            assert!(prepared.matches(&format!("W/{tag}")), "{tag}");
        }
        assert!(prepared.matches(&format!("\"other\", {}", tags[1])));
        assert!(prepared.matches("*"));
        assert!(!prepared.matches("\"other\""));
    }
}
