#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// Display-only decoders for payload bytes: one registry (Kind) of what a pane can show a payload
// as. Nothing here executes, evaluates or loads anything: a pickle is disassembled (like
// Python's pickletools.dis), never unpickled; a compressed payload is inflated into a buffer of
// bounded size. Every decoder reads bytes with bounds checks and reports the first offset where
// the payload stops making sense, with a reason.
//
// Auto picks by magic bytes and validity:
//   gzip (1f 8b), zstd (28 b5 2f fd), zlib (78 xx with a valid header check), pickle protocol 2-5
//   (80 0N … 2e) or protocol 0-1 that disassembles to a STOP at its last byte, MessagePack whose
//   first byte opens a map or array and which is exactly one value, JSON (an object or array),
//   base64 text whose bytes decode to something recognised (or to text), protobuf (binary that
//   reads as fields to its last byte), else text (valid UTF-8) or, for other bytes, Raw.
// A compressed or base64 payload is decoded, then decoded again by Auto (gzip'd JSON shows as
// JSON), at most MaxDepth layers deep.
namespace rqc::PayloadDecoder {

enum class Kind {
    Auto,
    Text, // the payload as it is (escaped text); never fails
    Json,
    MessagePack,
    Gzip,
    Zlib,
    Zstd,
    Base64,
    Protobuf, // without a schema, as `protoc --decode_raw` shows it
    Pickle,   // disassembled, never executed
    Raw       // Auto's answer for bytes nothing recognised: shown escaped like Text
};

constexpr int MaxDepth = 4;                     // nested layers (gzip → base64 → …)
constexpr qint64 DefaultMaxOutput = 64LL << 20; // decompressed bytes kept, then cut

struct Options {
    bool compact = false;   // one line (previews, filter); else indented, several lines
    int maxChars = 4 << 20; // rendering stops after about this many characters (then "…")
    qint64 maxOutput = DefaultMaxOutput; // decompression stops here and says it was cut
};

struct Result {
    Kind kind = Kind::Text; // what the payload was read as (for Auto: what it found)
    bool ok = true;         // false: the chosen decoder failed at errorOffset for errorReason
    qint64 errorOffset = -1;
    QString errorReason;
    QString text;       // the rendering (on failure: the error line, then the raw bytes escaped)
    QStringList layers; // what was peeled off, outermost first: "gzip", "base64"…
    bool cut = false;   // output was capped (decompression limit or maxChars)
    QString note;       // e.g. "gzip: 1.2 KiB → 64.0 MiB (cut at 64.0 MiB)"
};

// Every kind a user can choose, in menu order (Auto first; Raw is not offered).
QList<Kind> choices();
// "Auto", "JSON", "MessagePack", "gzip"…  (translated)
QString displayName(Kind kind);
// Stable key for settings: "auto", "json", "msgpack", "gzip", "zlib", "zstd", "base64",
// "protobuf", "pickle", "text", "raw"; fromKey returns Auto for anything else.
QString key(Kind kind);
Kind fromKey(const QString& key);

Result decode(const QByteArray& payload, Kind kind, const Options& options = Options());

// What Auto would read the payload as (without rendering it).
Kind detect(const QByteArray& payload);

// "where and why" of a failed decode: "MessagePack: at byte 12: string runs past the end".
QString errorLine(const Result& r);

} // namespace rqc::PayloadDecoder
