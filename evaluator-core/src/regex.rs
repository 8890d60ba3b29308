//! The `regex` operator's engine: a small backtracking matcher, so the
//! WebAssembly build carries no regex crate.
//!
//! Supported syntax (anything else rejects the datafile at the operand):
//! - literals, `.` (any character but `\n`), escapes of the metacharacters
//!   `\. \* \+ \? \( \) \[ \] \{ \} \| \^ \$ \\ \/ \-` and `\n \t \r`;
//! - classes `[a-z0-9_]`, negated `[^…]`, and `\d \w \s \D \W \S` (ASCII
//!   digits, word characters `[0-9A-Za-z_]`, whitespace `[\t\n\v\f\r ]`),
//!   also inside classes;
//! - anchors `^` (start of text) and `$` (end of text);
//! - groups `( )` and `(?: )` (nothing is captured), alternation `|`;
//! - greedy quantifiers `* + ? {m} {m,} {m,n}` (m, n ≤ 1000).
//!
//! A match anywhere in the text counts (anchor with `^…$` for a full match).
//! Case-insensitive matching compares Unicode lowercase per character, like
//! the string operators. Matching remembers the (instruction, position)
//! states that failed, so it is linear in pattern × text; beyond a memory
//! cap it stops after a step budget instead, and the comparison is false.

use alloc::{boxed::Box, string::String, vec, vec::Vec};

/// Most instructions a pattern may compile to (after repetitions expand).
const MAX_PROGRAM: usize = 10_000;
/// Largest `{m,n}` bound (its error message names it).
const MAX_REPEAT: u32 = 1_000;
/// States (instructions × text positions) remembered at most; past it the
/// matcher runs on the step budget.
const MAX_MEMO_STATES: usize = 1 << 22;
/// Steps a match may take without memo before it gives up (no match).
const STEP_BUDGET: usize = 1 << 22;

/// A compiled pattern.
#[derive(Debug)]
pub(crate) struct Regex {
    program: Box<[Inst]>,
    case_insensitive: bool,
}

#[derive(Debug, Clone)]
enum Inst {
    Char(char),
    Any,
    /// Ranges, scanned in order; `true` when negated.
    Class(Box<[(char, char)]>, bool),
    Start,
    End,
    /// Try the first target, then the second.
    Split(usize, usize),
    Jump(usize),
    Match,
}

/// Parsed pattern.
enum Ast {
    Empty,
    Inst(Inst),
    Concat(Vec<Ast>),
    Alt(Vec<Ast>),
    Repeat(Box<Ast>, u32, Option<u32>),
}

impl Regex {
    /// Compiles `pattern`; the error says what is not supported or malformed.
    pub(crate) fn new(pattern: &str, case_insensitive: bool) -> Result<Self, String> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            ci: case_insensitive,
        };
        let ast = parser.alternation(0)?;
        if let Some(c) = parser.peek() {
            return Err(around("unmatched `", c, "`"));
        }
        let mut program = Vec::new();
        emit(&ast, &mut program)?;
        program.push(Inst::Match);
        Ok(Regex {
            program: program.into_boxed_slice(),
            case_insensitive,
        })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let states = self.program.len() * (chars.len() + 1);
        let mut run = Run {
            program: &self.program,
            chars: &chars,
            ci: self.case_insensitive,
            failed: (states <= MAX_MEMO_STATES).then(|| vec![0u64; states.div_ceil(64)]),
            steps: 0,
        };
        (0..=chars.len()).any(|start| run.matches_at(start))
    }
}

/// Lowercase of one character, the folding of the string operators.
fn fold(c: char) -> char {
    crate::lowercase::lowercase(c).0
}

/// `before`, then `c`, then `after`: an error naming a character, without
/// the formatting machinery (char `Display` is otherwise unused).
fn around(before: &str, c: char, after: &str) -> String {
    let mut message = String::from(before);
    message.push(c);
    message.push_str(after);
    message
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    ci: bool,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        self.pos += usize::from(found);
        found
    }

    fn alternation(&mut self, depth: usize) -> Result<Ast, String> {
        if depth > 32 {
            return Err("groups nest deeper than 32".into());
        }
        let mut branches = vec![self.concat(depth)?];
        while self.eat('|') {
            branches.push(self.concat(depth)?);
        }
        Ok(match branches.len() {
            1 => branches.pop().unwrap_or(Ast::Empty),
            _ => Ast::Alt(branches),
        })
    }

    fn concat(&mut self, depth: usize) -> Result<Ast, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            items.push(self.quantified(atom)?);
        }
        Ok(Ast::Concat(items))
    }

    fn quantified(&mut self, atom: Ast) -> Result<Ast, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => return self.counted(atom),
            _ => return Ok(atom),
        };
        self.pos += 1;
        self.reject_modifier()?;
        Ok(Ast::Repeat(Box::new(atom), min, max))
    }

    /// `{m}`, `{m,}`, `{m,n}` after an atom.
    fn counted(&mut self, atom: Ast) -> Result<Ast, String> {
        self.pos += 1;
        let min = self.number()?;
        let max = if self.eat(',') {
            match self.peek() {
                Some('}') => None,
                _ => Some(self.number()?),
            }
        } else {
            Some(min)
        };
        if !self.eat('}') || max.is_some_and(|max| max < min) {
            return Err("malformed repetition {m,n}".into());
        }
        self.reject_modifier()?;
        Ok(Ast::Repeat(Box::new(atom), min, max))
    }

    fn reject_modifier(&self) -> Result<(), String> {
        match self.peek() {
            Some('?' | '+') => Err("lazy and possessive quantifiers are not supported".into()),
            Some('*' | '{') => Err("a quantifier cannot be repeated".into()),
            _ => Ok(()),
        }
    }

    fn number(&mut self) -> Result<u32, String> {
        let start = self.pos;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d);
            self.pos += 1;
        }
        match (self.pos > start, n <= MAX_REPEAT) {
            (true, true) => Ok(n),
            (false, _) => Err("malformed repetition {m,n}".into()),
            (true, false) => Err("repetition bound above 1000".into()),
        }
    }

    fn atom(&mut self, depth: usize) -> Result<Ast, String> {
        let Some(c) = self.next() else {
            return Ok(Ast::Empty);
        };
        Ok(match c {
            '(' => {
                if self.eat('?') && !self.eat(':') {
                    return Err("only (?: ) groups are supported".into());
                }
                let inner = self.alternation(depth + 1)?;
                if !self.eat(')') {
                    return Err("unclosed group".into());
                }
                inner
            }
            '[' => self.class()?,
            '.' => Ast::Inst(Inst::Any),
            '^' => Ast::Inst(Inst::Start),
            '$' => Ast::Inst(Inst::End),
            '*' | '+' | '?' | '{' => return Err(around("`", c, "` repeats nothing")),
            ']' | '}' => return Err(around("unmatched `", c, "`")),
            '\\' => match self.escape()? {
                Escaped::Char(c) => self.literal(c),
                Escaped::Set(ranges, negated) => Ast::Inst(Inst::Class(ranges.into(), negated)),
            },
            c => self.literal(c),
        })
    }

    fn literal(&self, c: char) -> Ast {
        Ast::Inst(Inst::Char(if self.ci { fold(c) } else { c }))
    }

    /// After `\`.
    fn escape(&mut self) -> Result<Escaped, String> {
        const DIGIT: &[(char, char)] = &[('0', '9')];
        const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];
        Ok(match self.next() {
            Some('d') => Escaped::Set(DIGIT, false),
            Some('D') => Escaped::Set(DIGIT, true),
            Some('w') => Escaped::Set(WORD, false),
            Some('W') => Escaped::Set(WORD, true),
            Some('s') => Escaped::Set(SPACE, false),
            Some('S') => Escaped::Set(SPACE, true),
            Some('n') => Escaped::Char('\n'),
            Some('t') => Escaped::Char('\t'),
            Some('r') => Escaped::Char('\r'),
            Some(
                c @ ('.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$'
                | '\\' | '/' | '-'),
            ) => Escaped::Char(c),
            Some(c) => return Err(around("unsupported escape \\", c, "")),
            None => return Err("pattern ends with \\".into()),
        })
    }

    /// After `[`.
    fn class(&mut self) -> Result<Ast, String> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next().ok_or("unclosed class")?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = match c {
                '\\' => match self.escape()? {
                    Escaped::Char(c) => c,
                    Escaped::Set(set, false) => {
                        ranges.extend_from_slice(set);
                        continue;
                    }
                    Escaped::Set(..) => {
                        return Err("negated escapes inside [ ] are not supported".into())
                    }
                },
                '[' => return Err("nested classes are not supported".into()),
                c => c,
            };
            let high = match (self.peek(), self.chars.get(self.pos + 1)) {
                (Some('-'), Some(&next)) if next != ']' => {
                    self.pos += 2;
                    match next {
                        '\\' => match self.escape()? {
                            Escaped::Char(c) => c,
                            Escaped::Set(..) => return Err("a class range ends in a set".into()),
                        },
                        c => c,
                    }
                }
                _ => low,
            };
            if high < low {
                return Err(around(
                    "class range ",
                    low,
                    &around("-", high, " is reversed"),
                ));
            }
            ranges.push((low, high));
        }
        if self.ci {
            // Small ranges gain their lowercase letters; the text is folded too.
            for i in 0..ranges.len() {
                let (low, high) = ranges[i];
                if (high as u32) - (low as u32) < 512 {
                    ranges.extend((low..=high).map(fold).map(|c| (c, c)));
                }
            }
        }
        Ok(Ast::Inst(Inst::Class(ranges.into(), negated)))
    }
}

enum Escaped {
    Char(char),
    Set(&'static [(char, char)], bool),
}

/// Appends the instructions of `ast`.
fn emit(ast: &Ast, program: &mut Vec<Inst>) -> Result<(), String> {
    if program.len() > MAX_PROGRAM {
        return Err("pattern too large".into());
    }
    match ast {
        Ast::Empty => {}
        Ast::Inst(inst) => program.push(inst.clone()),
        Ast::Concat(items) => items.iter().try_for_each(|item| emit(item, program))?,
        Ast::Alt(branches) => {
            let mut jumps = Vec::new();
            for (i, branch) in branches.iter().enumerate() {
                let split = program.len();
                let last = i + 1 == branches.len();
                if !last {
                    program.push(Inst::Split(split + 1, 0));
                }
                emit(branch, program)?;
                if !last {
                    jumps.push(program.len());
                    program.push(Inst::Jump(0));
                    program[split] = Inst::Split(split + 1, program.len());
                }
            }
            let end = program.len();
            jumps.into_iter().for_each(|j| program[j] = Inst::Jump(end));
        }
        Ast::Repeat(item, min, max) => {
            for _ in 0..*min {
                emit(item, program)?;
            }
            match max {
                None => {
                    let split = program.len();
                    program.push(Inst::Split(split + 1, 0));
                    emit(item, program)?;
                    program.push(Inst::Jump(split));
                    program[split] = Inst::Split(split + 1, program.len());
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(program.len());
                        program.push(Inst::Split(program.len() + 1, 0));
                        emit(item, program)?;
                    }
                    let end = program.len();
                    splits
                        .into_iter()
                        .for_each(|s| program[s] = Inst::Split(s + 1, end));
                }
            }
        }
    }
    Ok(())
}

/// One search.
struct Run<'a> {
    program: &'a [Inst],
    chars: &'a [char],
    ci: bool,
    /// (instruction, position) states known to fail, when they fit.
    failed: Option<Vec<u64>>,
    steps: usize,
}

impl Run<'_> {
    /// Whether the program matches from position `start`. Alternatives wait
    /// on an explicit stack, so long texts cannot overflow the call stack.
    fn matches_at(&mut self, start: usize) -> bool {
        let mut pending = vec![(0, start)];
        while let Some((mut pc, mut pos)) = pending.pop() {
            while self.enter(pc, pos) {
                let c = self.chars.get(pos).copied();
                let folded = c.map(|c| if self.ci { fold(c) } else { c });
                let advance = match (&self.program[pc], c, folded) {
                    (Inst::Match, ..) => return true,
                    (Inst::Char(want), _, Some(f)) => f == *want,
                    (Inst::Any, Some(c), _) => c != '\n',
                    (Inst::Class(ranges, negated), Some(c), Some(f)) => {
                        in_class(ranges, c, f) != *negated
                    }
                    (Inst::Start, ..) if pos == 0 => {
                        pc += 1;
                        continue;
                    }
                    (Inst::End, ..) if pos == self.chars.len() => {
                        pc += 1;
                        continue;
                    }
                    (Inst::Jump(target), ..) => {
                        pc = *target;
                        continue;
                    }
                    (Inst::Split(first, second), ..) => {
                        pending.push((*second, pos));
                        pc = *first;
                        continue;
                    }
                    _ => break,
                };
                if !advance {
                    break;
                }
                pos += 1;
                pc += 1;
            }
        }
        false
    }

    /// Records a visit to state (`pc`, `pos`): false when it already failed
    /// before, or when the step budget is spent.
    fn enter(&mut self, pc: usize, pos: usize) -> bool {
        let state = pc * (self.chars.len() + 1) + pos;
        match &mut self.failed {
            Some(bits) if bits[state / 64] & (1 << (state % 64)) != 0 => false,
            Some(bits) => {
                bits[state / 64] |= 1 << (state % 64);
                true
            }
            None if self.steps >= STEP_BUDGET => false,
            None => {
                self.steps += 1;
                true
            }
        }
    }
}

fn in_class(ranges: &[(char, char)], c: char, folded: char) -> bool {
    ranges
        .iter()
        .any(|&(low, high)| (low..=high).contains(&c) || (low..=high).contains(&folded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn is_match(pattern: &str, text: &str) -> bool {
        Regex::new(pattern, false).unwrap().is_match(text)
    }

    #[test]
    fn matches_the_supported_syntax() {
        let cases: &[(&str, &str, bool)] = &[
            ("^user-\\d{4}$", "user-1234", true),
            ("^user-\\d{4}$", "user-123", false),
            ("abc", "xxabcxx", true),
            ("^abc", "xabc", false),
            ("a.c", "a\nc", false),
            ("a.c", "abc", true),
            ("[a-c]+x", "zzbcax", true),
            ("[^a-c]", "abc", false),
            ("[^a-c]", "abcd", true),
            ("\\w+@\\w+\\.com$", "me@example.com", true),
            ("\\s", "a b", true),
            ("\\S\\D\\W", "a1!", false),
            ("\\S\\D\\W", "ab!", true),
            ("(?:ab|cd){2}$", "xabcd", true),
            ("(ab|cd){2,}$", "abab", true),
            ("^(ab|cd){2,3}$", "abababab", false),
            ("^a{2,}$", "a", false),
            ("^a?b+$", "bbb", true),
            ("^(a|ab)(c|bcd)(d*)$", "abcd", true),
            ("^[-a]+$", "a-a", true),
            ("^[a\\]]+$", "a]", true),
            ("^$", "", true),
            ("", "anything", true),
            ("^(a*)*$", "aaaa", true),
            ("\\.", "a.b", true),
            ("x|", "abc", true),
            ("^é+$", "éé", true),
        ];
        for &(pattern, text, expected) in cases {
            assert_eq!(is_match(pattern, text), expected, "{pattern} on {text:?}");
        }
    }

    #[test]
    fn case_insensitive_folds_unicode() {
        let re = Regex::new("^[a-zå]+se$", true).unwrap();
        assert!(re.is_match("ÅSE") && re.is_match("åse") && re.is_match("HaSe"));
        assert!(Regex::new("^ÅSE$", true).unwrap().is_match("åse"));
        assert!(!Regex::new("^ÅSE$", false).unwrap().is_match("åse"));
        assert!(!Regex::new("^[^a-z]$", true).unwrap().is_match("Q"));
    }

    #[test]
    fn rejects_what_it_does_not_support() {
        for pattern in [
            "(unclosed",
            "a)",
            "*a",
            "a**",
            "a*?",
            "a{2",
            "a{3,1}",
            "a{1001}",
            "\\b",
            "\\p{L}",
            "(?i)a",
            "(?P<n>a)",
            "[a",
            "[z-a]",
            "[[a]]",
            "\\",
            "a{,2}",
            "[\\D]",
        ] {
            assert!(Regex::new(pattern, false).is_err(), "{pattern}");
        }
        assert!(Regex::new("(a{1000}){1000}", false).is_err(), "too large");
    }

    #[test]
    fn errors_name_the_offending_character() {
        for (pattern, message) in [
            ("a)", "unmatched `)`"),
            ("a]", "unmatched `]`"),
            ("*a", "`*` repeats nothing"),
            ("\\b", "unsupported escape \\b"),
            ("[z-a]", "class range z-a is reversed"),
            ("a{1001}", "repetition bound above 1000"),
        ] {
            assert_eq!(Regex::new(pattern, false).unwrap_err(), message);
        }
    }

    #[test]
    fn hostile_patterns_finish() {
        let re = Regex::new("^(a+)+$", false).unwrap();
        assert!(!re.is_match(&format!("{}!", "a".repeat(5_000))));
        let re = Regex::new("(x+x+)+y", false).unwrap();
        assert!(!re.is_match(&"x".repeat(2_000)));
    }

    /// Patterns of the supported subset, over a small alphabet.
    fn pattern() -> impl Strategy<Value = String> {
        let atom = prop_oneof![proptest::sample::select(
            &["a", "b", "c", ".", "\\d", "\\w", "\\s", "[a-b]", "[^a]", "\\.", "[b\\d]", "^", "$"]
                [..]
        )
        .prop_map(str::to_owned),];
        atom.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(?:{a}|{b})")),
                (
                    inner.clone(),
                    proptest::sample::select(&["*", "+", "?", "{2}", "{1,}", "{0,2}"][..])
                )
                    .prop_map(|(a, q)| format!("({a}){q}")),
            ]
        })
    }

    proptest! {
        #[test]
        fn agrees_with_regex_lite(pattern in pattern(), text in "[abcAB1 .\n]{0,8}", ci in any::<bool>()) {
            let ours = Regex::new(&pattern, ci).unwrap();
            let oracle = regex_lite::RegexBuilder::new(&pattern).case_insensitive(ci).build().unwrap();
            prop_assert_eq!(ours.is_match(&text), oracle.is_match(&text), "{} on {:?}", pattern, text);
        }
    }
}
