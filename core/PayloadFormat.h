#pragma once

#include <QByteArray>
#include <QString>

// Display-only decoding of payload bytes. Payloads stay QByteArray everywhere else; these
// functions turn them into something a person can read (text, pretty JSON, hex) and never
// feed anything back to Redis.
//
// Escaping convention (preview and asText):
//   - valid UTF-8 is shown as text;
//   - every byte that is not part of a valid UTF-8 sequence is shown as "\xNN" (lower-case hex),
//     so "\xff\xfe" means the two raw bytes 0xff 0xfe;
//   - in preview(), which is one line, LF, CR and TAB are shown as the two characters "\n", "\r"
//     and "\t" (C style, chosen over a glyph such as ⏎ so that the escape says which control it
//     was); other C0 controls and DEL are shown as "\xNN", C1 controls and the Unicode line/
//     paragraph separators as "\u0085" style;
//   - asText() keeps LF, TAB and CR LF as they are (it is multi-line) and escapes the rest as
//   above.
// A backslash in the payload is shown as it is: the views are for eyes, not for round trips.
namespace rqc::PayloadFormat {

// One line for the live view: at most maxChars characters, "…" appended when cut. Only the
// first few bytes are looked at, so a huge payload costs no more than a short one.
QString preview(const QByteArray& payload, int maxChars = 200);

// Valid UTF-8 without NUL and without control characters other than TAB, LF, VT, FF, CR and
// ESC (ANSI colours in logs). The empty payload is text.
bool isText(const QByteArray& payload);

// The whole payload as text; invalid UTF-8 bytes and stray control characters as \xNN.
QString asText(const QByteArray& payload);

// True when the payload parses as JSON (object, array or a lone scalar such as 42 or "x");
// *out then holds it indented by four spaces. *out is left untouched on false.
bool prettyJson(const QByteArray& payload, QString* out);

// True when the payload's first non-blank byte opens a JSON object or array. Cheap; a hint for
// views that switch to JSON automatically (a payload of "42" parses but is hardly JSON).
bool looksLikeJsonContainer(const QByteArray& payload);

// Classic 16 bytes a line: "00000000  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a 00 01 02 03  |Hello
// world.....|". At most maxBytes are dumped; a last line then says how many were left out.
QString hexDump(const QByteArray& payload, int maxBytes = 1 << 20);

// "0 B", "64 B", "1023 B", "1.0 KiB", "1.5 KiB", "3.2 MiB", "1.0 GiB" (binary units, one decimal).
QString humanSize(qint64 bytes);

} // namespace rqc::PayloadFormat
