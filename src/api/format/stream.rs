//! Reading a rustdoc JSON document in windows, the index item by item.
//!
//! The largest crates write 440 MB of JSON per side, most of it items no rule reads (blanket
//! impls, see `load`). Deserialising the document through one serde reader costs a full parse
//! of every byte through the slowest path serde_json has (byte-at-a-time reads from a stream);
//! holding the whole file to parse it as a slice costs its size in memory. So the document is
//! read through a window of a megabyte: a small scanner finds where each index entry ends
//! (strings, escapes and nesting only, no values built), and each entry's bytes are then handed
//! to serde_json as a slice: kept items are deserialised in parallel, a blanket impl only has
//! its member list read. Every byte still passes through serde_json, so a syntax error anywhere
//! is an error, exactly as before; the scanner only decides where one entry stops.
//!
//! The rest of the document (root, paths, external crates, target) is small: its values are
//! collected as bytes and deserialised at the end with the format's types.

use std::io::{self, Read};
use std::ops::Range;

use rayon::prelude::*;
use rustdoc_types::Id;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Deserialize;

/// The window's size once the input is large; it grows beyond only for an entry larger than
/// this. Small enough that a batch the scanner has just read is still in the core's caches
/// when it is parsed (two sides load at once): on aws-sdk-ec2, 1 MB loaded in 0.91x-0.94x the
/// time of 8 MB in three of four sets of interleaved runs (1.02x in the fourth).
const WINDOW: usize = 1 << 20;
/// The window's first size.
const FIRST_WINDOW: usize = 64 << 10;

/// What is wrong with a document, in the classes `load` words for users.
#[derive(Debug)]
pub enum DocError {
    /// the input ends inside the document
    Eof(String),
    /// not JSON
    Syntax(String),
    /// JSON, but not of the format's shape
    Shape(String),
    Io(io::Error),
}

impl DocError {
    /// Converts a serde_json error about the bytes at `offset` of the file (`what`: where).
    fn json(e: &serde_json::Error, what: &str, offset: u64) -> DocError {
        use serde_json::error::Category;
        let msg = format!("{what} (at byte {offset}): {e}");
        match e.classify() {
            Category::Eof => DocError::Eof(msg),
            Category::Syntax => DocError::Syntax(msg),
            Category::Data => DocError::Shape(msg),
            Category::Io => DocError::Io(io::Error::other(msg)),
        }
    }
}

/// Parses one JSON value from `bytes` with serde_json's recursion limit, and again without it
/// (on a stack that grows on the heap) only when the value is nested deeper than the limit:
/// rustdoc nests a level per type constructor, and real crates exceed 128 levels; the
/// growable stack slows every parse, so only the rare deep value pays for it.
pub(super) fn parse_value<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    // UTF-8 is checked once for the whole value rather than string by string (a tenth of the
    // parse); bytes that are not UTF-8 go to the slice reader, which says where
    let Ok(text) = std::str::from_utf8(bytes) else {
        return serde_json::from_slice(bytes);
    };
    let mut de = serde_json::Deserializer::from_str(text);
    match T::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            let mut de = serde_json::Deserializer::from_str(text);
            de.disable_recursion_limit();
            let value = T::deserialize(serde_stacker::Deserializer::new(&mut de))?;
            de.end()?;
            Ok(value)
        }
        other => other,
    }
}

/// What the walker hands back: each top-level field other than `index`, key and value as
/// the document wrote them.
pub(super) struct Rest {
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Rest {
    /// The top-level fields as one JSON object, for serde to read with the format's types
    /// (which then reports missing, duplicate and ill-typed fields as it always did).
    pub fn as_object(&self) -> Vec<u8> {
        let mut out = b"{".to_vec();
        for (i, (key, value)) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            out.push(b':');
            out.extend_from_slice(value);
        }
        out.push(b'}');
        out
    }
}

/// One index entry, as the walker classified it.
pub enum Entry<T> {
    /// a full item of the format
    Item(T),
    /// a blanket impl, read only for its members (it is dropped with them)
    Blanket(Vec<Id>),
}

/// Walks the document from `reader`, handing each batch of index entries (in file order) to
/// `sink`, each entry first passed through `convert` (on the parallel side), and returns the
/// other top-level fields.
pub(super) fn walk<R: Read, T: DeserializeOwned + Send, U: Send>(
    reader: R,
    convert: impl Fn(Entry<T>) -> U + Sync,
    mut sink: impl FnMut(&mut dyn Iterator<Item = (Id, U)>),
) -> Result<Rest, DocError> {
    let mut w = Window::new(reader);
    let mut fields = Vec::new();
    let mut seen_index = false;
    match w.next_byte()? {
        Some(b'{') => w.pos += 1,
        Some(_) => {
            return Err(DocError::Shape(
                "expected a rustdoc JSON document (a JSON object)".into(),
            ))
        }
        None => return Err(DocError::Eof("the file is empty".into())),
    }
    if w.next_byte()? == Some(b'}') {
        w.pos += 1;
    } else {
        loop {
            let (key, raw_key) = w.key()?;
            w.colon()?;
            if key == "index" {
                if seen_index {
                    return Err(DocError::Shape("duplicate field `index`".into()));
                }
                seen_index = true;
                w.index(&convert, &mut sink)?;
            } else {
                let len = w.value_len()?;
                fields.push((raw_key, w.buf[w.pos..w.pos + len].to_vec()));
                w.pos += len;
            }
            match w.next_byte()? {
                Some(b',') => w.pos += 1,
                Some(b'}') => {
                    w.pos += 1;
                    break;
                }
                Some(b) => {
                    return Err(w.syntax(&format!("expected `,` or `}}`, found {}", shown(b))))
                }
                None => return Err(w.eof()),
            }
        }
    }
    if let Some(b) = w.next_byte()? {
        return Err(w.syntax(&format!(
            "trailing characters after the document ({})",
            shown(b)
        )));
    }
    if !seen_index {
        return Err(DocError::Shape("missing field `index`".into()));
    }
    Ok(Rest { fields })
}

fn shown(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

/// A window on the input: `buf[pos..end]` is read and not yet consumed; `offset` is the file
/// offset of `buf[0]`.
struct Window<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    offset: u64,
    eof: bool,
}

impl<R: Read> Window<R> {
    fn new(reader: R) -> Self {
        Window {
            reader,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            offset: 0,
            eof: false,
        }
    }

    /// Reads more input after `end`, first sliding the unconsumed bytes to the front (so
    /// offsets relative to `pos` stay valid; absolute ones do not) and growing the buffer only
    /// when they fill it. `false`: the input is exhausted.
    fn more(&mut self) -> Result<bool, DocError> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.offset += self.pos as u64;
            self.end -= self.pos;
            self.pos = 0;
        }
        // the window starts small (most crates' JSON is a few hundred KB, and a workspace
        // loads hundreds) and doubles up to WINDOW while the input lasts, or beyond when one
        // entry fills it
        if self.buf.len() < WINDOW || self.end == self.buf.len() {
            let len = (self.buf.len() * 2).max(FIRST_WINDOW);
            self.buf.resize(len, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(DocError::Io(e)),
            }
        }
    }

    /// Skips whitespace and returns the next byte without consuming it; `None` at the end.
    fn next_byte(&mut self) -> Result<Option<u8>, DocError> {
        loop {
            while self.pos < self.end {
                let b = self.buf[self.pos];
                if !is_space(b) {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }

    fn at(&self) -> u64 {
        self.offset + self.pos as u64
    }

    fn syntax(&self, what: &str) -> DocError {
        DocError::Syntax(format!("{what} at byte {}", self.at()))
    }

    fn eof(&self) -> DocError {
        DocError::Eof(format!(
            "the document ends at byte {} before it is complete",
            self.at()
        ))
    }

    /// The length of the JSON value at `pos` (after whitespace), reading as much as it needs.
    fn value_len(&mut self) -> Result<usize, DocError> {
        if self.next_byte()?.is_none() {
            return Err(self.eof());
        }
        let mut scan = Scan::default();
        loop {
            match scan.run(&self.buf[self.pos..self.end], self.eof) {
                Scanned::Done(len) => return Ok(len),
                Scanned::Invalid(rel) => {
                    let b = self.buf[self.pos + rel];
                    return Err(DocError::Syntax(format!(
                        "unexpected {} at byte {}",
                        shown(b),
                        self.at() + rel as u64
                    )));
                }
                Scanned::More => {
                    if !self.more()? {
                        return Err(self.eof());
                    }
                }
            }
        }
    }

    /// A top-level key, decoded and as written.
    fn key(&mut self) -> Result<(String, Vec<u8>), DocError> {
        if self.next_byte()? != Some(b'"') {
            return match self.next_byte()? {
                Some(b) => Err(self.syntax(&format!("expected a key, found {}", shown(b)))),
                None => Err(self.eof()),
            };
        }
        let len = self.value_len()?;
        let raw = self.buf[self.pos..self.pos + len].to_vec();
        let key = serde_json::from_slice::<String>(&raw)
            .map_err(|e| DocError::json(&e, "a key", self.at()))?;
        self.pos += len;
        Ok((key, raw))
    }

    fn colon(&mut self) -> Result<(), DocError> {
        match self.next_byte()? {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(b) => Err(self.syntax(&format!("expected `:`, found {}", shown(b)))),
            None => Err(self.eof()),
        }
    }

    /// Walks the index: every entry complete in the window is one batch, deserialised in
    /// parallel and handed to `sink` before the window moves on.
    fn index<T: DeserializeOwned + Send, U: Send>(
        &mut self,
        convert: &(impl Fn(Entry<T>) -> U + Sync),
        sink: &mut impl FnMut(&mut dyn Iterator<Item = (Id, U)>),
    ) -> Result<(), DocError> {
        match self.next_byte()? {
            Some(b'{') => self.pos += 1,
            Some(_) => {
                let len = self.value_len()?;
                let value = &self.buf[self.pos..self.pos + len];
                return Err(DocError::Shape(format!(
                    "invalid type for `index` at byte {}: expected the rustdoc index (a map from item id to item), found `{}`",
                    self.at(),
                    String::from_utf8_lossy(&value[..value.len().min(40)])
                )));
            }
            None => return Err(self.eof()),
        }
        if self.next_byte()? == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let mut at = self.pos;
            let mut batch: Vec<(Id, Range<usize>)> = Vec::new();
            let mut last = false;
            while let Some(entry) =
                entry_in(&self.buf[..self.end], at, self.eof).map_err(|(rel, what)| {
                    DocError::Syntax(format!("{what} at byte {}", self.offset + rel as u64))
                })?
            {
                batch.push((entry.id, entry.value));
                at = entry.next;
                if entry.last {
                    last = true;
                    break;
                }
            }
            if !batch.is_empty() {
                let offset = self.offset;
                let buf = &self.buf;
                let parsed: Vec<(Id, usize, Result<U, serde_json::Error>)> = batch
                    .into_par_iter()
                    .map(|(id, range)| (id, range.start, read_entry(&buf[range]).map(convert)))
                    .collect();
                // handed over without another copy of the batch, up to the first damaged entry
                // in file order, which is the one reported, on every run
                let mut damaged = None;
                let mut entries = parsed.into_iter().map_while(|(id, start, entry)| {
                    entry
                        .map_err(|e| {
                            damaged = Some(DocError::json(
                                &e,
                                &format!("index entry {}", id.0),
                                offset + start as u64,
                            ));
                        })
                        .ok()
                        .map(|entry| (id, entry))
                });
                sink(&mut entries);
                // whatever the sink left unread is still looked at: a damaged entry is never
                // passed over
                entries.for_each(drop);
                if let Some(e) = damaged {
                    return Err(e);
                }
            }
            self.pos = at;
            if last {
                return Ok(());
            }
            if !self.more()? {
                return Err(self.eof());
            }
        }
    }
}

/// Reads one entry: a blanket impl only for its members, anything else whole. The quick test
/// (does `"blanket_impl":` hold anything but `null`) only picks the entries worth the cheap
/// read; the typed read decides, and an entry it cannot decide is read whole, as any other.
pub(super) fn read_entry<T: DeserializeOwned>(bytes: &[u8]) -> Result<Entry<T>, serde_json::Error> {
    if may_be_blanket(bytes) {
        if let Ok(Probe {
            inner:
                ProbeInner {
                    imp:
                        Some(ProbeImpl {
                            items,
                            blanket_impl: Some(_),
                        }),
                },
        }) = parse_value::<Probe>(bytes)
        {
            return Ok(Entry::Blanket(items));
        }
    }
    parse_value(bytes).map(Entry::Item)
}

/// The fields of an impl entry that decide whether it is a blanket impl (same names in every
/// supported format); everything else is skipped.
#[derive(Deserialize)]
struct Probe {
    inner: ProbeInner,
}

#[derive(Deserialize)]
struct ProbeInner {
    #[serde(rename = "impl")]
    imp: Option<ProbeImpl>,
}

#[derive(Deserialize)]
struct ProbeImpl {
    items: Vec<Id>,
    blanket_impl: Option<IgnoredAny>,
}

fn may_be_blanket(bytes: &[u8]) -> bool {
    static KEY: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(b"\"blanket_impl\""));
    // the field closes the impl, which closes the item: only the tail is searched (a blanket
    // impl missed here is still found by the full read, only slower)
    let tail = bytes.len().saturating_sub(TAIL);
    let Some(i) = KEY.rfind(&bytes[tail..]).map(|i| i + tail) else {
        return false;
    };
    let mut rest = bytes[i + KEY.needle().len()..]
        .iter()
        .copied()
        .filter(|b| !is_space(*b));
    rest.next() == Some(b':') && rest.next() != Some(b'n')
}

/// How far from an entry's end `"blanket_impl"` is looked for.
const TAIL: usize = 256;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

/// An index entry found complete in the window.
struct Found {
    id: Id,
    value: Range<usize>,
    /// where the next entry starts (after the comma), or after the closing brace
    next: usize,
    /// the closing brace of the index followed
    last: bool,
}

/// Finds the entry starting at `at` in `buf` (`"id": value` then `,` or `}`). `Ok(None)`: the
/// window ends first (and more input may come). Errors carry the offset into `buf`.
fn entry_in(buf: &[u8], mut at: usize, eof: bool) -> Result<Option<Found>, (usize, String)> {
    let skip = |at: &mut usize| {
        while *at < buf.len() && is_space(buf[*at]) {
            *at += 1;
        }
        *at < buf.len()
    };
    let incomplete = |at: usize| {
        if eof {
            Err((
                at,
                "the document ends before the index is complete".to_string(),
            ))
        } else {
            Ok(None)
        }
    };
    if !skip(&mut at) {
        return incomplete(at);
    }
    if buf[at] != b'"' {
        return Err((at, format!("expected an item id, found {}", shown(buf[at]))));
    }
    let key_start = at;
    let Some(close) = memchr::memchr(b'"', &buf[at + 1..]) else {
        return incomplete(at);
    };
    let key = &buf[key_start + 1..key_start + 1 + close];
    let id = std::str::from_utf8(key)
        .ok()
        .filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|k| k.parse::<u32>().ok())
        .ok_or_else(|| {
            (
                key_start,
                format!(
                    "index key `{}` is not an item id",
                    String::from_utf8_lossy(&key[..key.len().min(40)])
                ),
            )
        })?;
    at = key_start + close + 2;
    if !skip(&mut at) {
        return incomplete(at);
    }
    if buf[at] != b':' {
        return Err((at, format!("expected `:`, found {}", shown(buf[at]))));
    }
    at += 1;
    if !skip(&mut at) {
        return incomplete(at);
    }
    let start = at;
    let len = match Scan::default().run(&buf[start..], eof) {
        Scanned::Done(len) => len,
        Scanned::More => return incomplete(start),
        Scanned::Invalid(rel) => {
            return Err((
                start + rel,
                format!("unexpected {}", shown(buf[start + rel])),
            ))
        }
    };
    at = start + len;
    if !skip(&mut at) {
        return incomplete(at);
    }
    let last = match buf[at] {
        b',' => false,
        b'}' => true,
        b => return Err((at, format!("expected `,` or `}}`, found {}", shown(b)))),
    };
    Ok(Some(Found {
        id: Id(id),
        value: start..start + len,
        next: at + 1,
        last,
    }))
}

/// A resumable scan for the end of one JSON value: strings (with escapes) and nesting only.
/// Only the brackets of the value's own kind are counted (those of the other kind balance
/// inside it in valid JSON), which lets the scan jump between the three bytes that matter.
/// Nothing else is checked: serde_json reads every value the scan delimits, and rejects what
/// is malformed inside it.
#[derive(Default)]
struct Scan {
    at: usize,
    depth: u32,
    in_string: bool,
    /// the value's opening and closing bracket, once seen
    brackets: Option<(u8, u8)>,
}

enum Scanned {
    Done(usize),
    More,
    Invalid(usize),
}

impl Scan {
    /// Continues over `bytes` (which start at the value and only grow between calls).
    fn run(&mut self, bytes: &[u8], eof: bool) -> Scanned {
        let (open, close) = match self.brackets {
            Some(pair) => pair,
            None => match bytes.first() {
                None => return Scanned::More,
                Some(b'{') => (b'{', b'}'),
                Some(b'[') => (b'[', b']'),
                Some(b'"') => {
                    // a string: its closing quote ends it
                    self.brackets = Some((0, 0));
                    if self.at == 0 {
                        self.at = 1;
                        self.in_string = true;
                    }
                    (0, 0)
                }
                Some(b'}' | b']' | b',' | b':') => return Scanned::Invalid(0),
                Some(_) => {
                    // a scalar: it ends at the first delimiter
                    return match bytes
                        .iter()
                        .position(|&b| matches!(b, b',' | b'}' | b']' | b':') || is_space(b))
                    {
                        Some(len) => Scanned::Done(len),
                        None if eof => Scanned::Done(bytes.len()),
                        None => Scanned::More,
                    };
                }
            },
        };
        self.brackets = Some((open, close));
        // whole blocks while there are some (a string value has no brackets to count)
        while open != 0 && self.at + BLOCK <= bytes.len() {
            if let Some(done) = self.block(bytes, open, close) {
                return done;
            }
        }
        match self.bytewise(bytes, bytes.len(), open, close) {
            Some(done) => done,
            None => Scanned::More,
        }
    }

    /// One block of [`BLOCK`] bytes at `at`, from bit masks: quotes toggle "inside a string",
    /// brackets outside strings move the depth. A block with a backslash (an escape inside a
    /// string, rare outside doc comments) goes byte by byte instead.
    fn block(&mut self, bytes: &[u8], open: u8, close: u8) -> Option<Scanned> {
        let end = self.at + BLOCK;
        let [quotes, escapes, opens, closes] =
            masks(&bytes[self.at..end], [b'"', b'\\', open, close]);
        if escapes != 0 {
            return self.bytewise(bytes, end, open, close);
        }
        let mut inside = prefix_xor(quotes);
        if self.in_string {
            inside = !inside;
        }
        let mut brackets = (opens | closes) & !inside;
        while brackets != 0 {
            let bit = brackets.trailing_zeros();
            if opens >> bit & 1 == 1 {
                self.depth = self.depth.saturating_add(1);
            } else {
                self.depth -= 1;
                if self.depth == 0 {
                    return Some(Scanned::Done(self.at + bit as usize + 1));
                }
            }
            brackets &= brackets - 1;
        }
        self.in_string = inside >> (BLOCK - 1) & 1 == 1;
        self.at = end;
        None
    }

    /// Structural byte by structural byte (`memchr` between them) up to `limit`: `Some` when
    /// the value ends before it (or the window ends inside an escape).
    fn bytewise(&mut self, bytes: &[u8], limit: usize, open: u8, close: u8) -> Option<Scanned> {
        while self.at < limit {
            if self.in_string {
                let Some(i) = memchr::memchr2(b'"', b'\\', &bytes[self.at..limit]) else {
                    self.at = limit;
                    return None;
                };
                self.at += i;
                if bytes[self.at] == b'\\' {
                    if self.at + 1 >= bytes.len() {
                        return Some(Scanned::More);
                    }
                    self.at += 2;
                    continue;
                }
                self.in_string = false;
                self.at += 1;
                if self.depth == 0 {
                    return Some(Scanned::Done(self.at));
                }
                continue;
            }
            let Some(i) = memchr::memchr3(b'"', open, close, &bytes[self.at..limit]) else {
                self.at = limit;
                return None;
            };
            self.at += i;
            match bytes[self.at] {
                b'"' => self.in_string = true,
                b if b == open => self.depth = self.depth.saturating_add(1),
                _ => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Some(Scanned::Done(self.at + 1));
                    }
                }
            }
            self.at += 1;
        }
        None
    }
}

/// Bytes per block of [`masks`].
const BLOCK: usize = 64;

/// For each of four bytes, the positions in `block` (64 bytes) that hold it, as bits.
#[cfg(target_arch = "x86_64")]
fn masks(block: &[u8], wanted: [u8; 4]) -> [u64; 4] {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    assert!(block.len() >= BLOCK);
    let mut out = [0u64; 4];
    // SAFETY: SSE2 is part of x86_64; each load reads 16 bytes inside `block` (checked above)
    unsafe {
        let targets = wanted.map(|b| _mm_set1_epi8(i8::from_ne_bytes([b])));
        for chunk in 0..BLOCK / 16 {
            let v = _mm_loadu_si128(block.as_ptr().add(chunk * 16).cast::<__m128i>());
            for (mask, target) in out.iter_mut().zip(&targets) {
                let bits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, *target)) as u32 & 0xffff;
                *mask |= u64::from(bits) << (chunk * 16);
            }
        }
    }
    out
}

#[cfg(not(target_arch = "x86_64"))]
fn masks(block: &[u8], wanted: [u8; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (i, b) in block[..BLOCK].iter().enumerate() {
        for (mask, w) in out.iter_mut().zip(wanted) {
            *mask |= u64::from(*b == w) << i;
        }
    }
    out
}

/// Bit i of the result is the parity of bits 0..=i of `x`: with quote positions, the bytes
/// inside strings (opening quote included, closing excluded).
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(text: &str) -> Option<usize> {
        match Scan::default().run(text.as_bytes(), true) {
            Scanned::Done(n) => Some(n),
            _ => None,
        }
    }

    #[test]
    fn the_first_damaged_entry_is_reported_whatever_the_sink_reads() {
        // entries 2 and 4 are not numbers; the sink reads one entry and stops
        let doc = br#"{"index":{"1":1,"2":"x","3":3,"4":[],"5":5}}"#;
        let err = walk::<_, u32, _>(&doc[..], |e| e, |batch| drop(batch.next()))
            .err()
            .expect("damaged");
        assert!(format!("{err:?}").contains("index entry 2"), "{err:?}");
    }

    #[test]
    fn the_scan_ends_each_kind_of_value() {
        assert_eq!(scan_all(r#"{"a":"}\"{","b":[1,{}]} ,"#), Some(23));
        assert_eq!(scan_all(r#""x\\" rest"#), Some(5));
        assert_eq!(scan_all("12,"), Some(2));
        assert_eq!(scan_all("null}"), Some(4));
        assert_eq!(scan_all("[[]"), None);
        assert_eq!(scan_all("}"), None);
    }

    #[test]
    fn the_scan_resumes_where_the_window_ended() {
        let text = r#"{"k":"a\"b","l":[1,2]}"#.as_bytes();
        for cut in 1..text.len() {
            let mut scan = Scan::default();
            assert!(
                matches!(scan.run(&text[..cut], false), Scanned::More),
                "cut {cut}"
            );
            assert!(
                matches!(scan.run(text, false), Scanned::Done(n) if n == text.len()),
                "cut {cut}"
            );
        }
    }

    #[test]
    fn a_tiny_window_reads_the_same_entries() {
        // one byte per read: every entry straddles windows
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let Some((first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                out[0] = *first;
                self.0 = rest;
                Ok(1)
            }
        }
        let doc = br#" { "root" : 1 , "index" : { "1" : {"x": "a\\\"}"} , "22":[1, 2] } , "z" : {"q": null} } "#;
        let mut seen = Vec::new();
        let rest = walk::<_, serde_json::Value, _>(
            Trickle(doc),
            |e| match e {
                Entry::Item(v) => v.to_string(),
                Entry::Blanket(_) => "blanket".into(),
            },
            |batch| seen.extend(batch.map(|(id, text)| (id.0, text))),
        )
        .unwrap();
        assert_eq!(
            seen,
            vec![(1, r#"{"x":"a\\\"}"}"#.to_string()), (22, "[1,2]".into())]
        );
        assert_eq!(
            String::from_utf8(rest.as_object()).unwrap(),
            r#"{"root":1,"z":{"q": null}}"#
        );
    }

    #[test]
    fn blanket_impls_are_read_for_their_members_only() {
        let blanket = br#"{"inner":{"impl":{"items":[4,5],"blanket_impl":{"generic":"T"},"for":{"generic":"T"}}}}"#;
        let plain = br#"{"inner":{"impl":{"items":[4],"blanket_impl":null}}}"#;
        let Entry::Blanket(items) = read_entry::<serde_json::Value>(blanket).unwrap() else {
            panic!("a blanket impl is read as one");
        };
        assert_eq!(items, vec![Id(4), Id(5)]);
        assert!(matches!(
            read_entry::<serde_json::Value>(plain).unwrap(),
            Entry::Item(_)
        ));
        assert!(!may_be_blanket(plain));
    }
}
