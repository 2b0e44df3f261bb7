#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <functional>
#include <random>

namespace rqc {

// A message with placeholders, parsed once and expanded per message (the entry box's text when it
// sends a burst or a load run):
//   {{seq}}          1, 2, 3… (the message's number in its send)
//   {{uuid}}         a random version-4 UUID
//   {{now}}          the time, ISO 8601 UTC with milliseconds (2026-12-01T21:40:10.123Z)
//   {{ts_ms}}        milliseconds since the Unix epoch
//   {{random A B}}   an integer from A to B inclusive
//   {{pick a b c}}   one of the words, at random
//   {{bytes 1KiB}}   random printable filler (B, KB, KiB, MB, MiB; at most 64 MiB)
//   {{{{             a literal "{{"
// Anything else between {{ and }} is an error, found by parse() before anything is sent.
// expand() allocates nothing per message beyond growing its output: a load run calls it tens of
// thousands of times a second.
class MessageTemplate {
    Q_DECLARE_TR_FUNCTIONS(rqc::MessageTemplate)
public:
    enum class Kind { Literal, Seq, Uuid, Now, TsMs, Random, Pick, Bytes };
    struct Part {
        Kind kind = Kind::Literal;
        QByteArray text;           // Literal
        qint64 low = 0, high = 0;  // Random; Bytes: high = the size
        QList<QByteArray> choices; // Pick
    };

    MessageTemplate() = default;
    // Parses text; on a malformed or unknown placeholder returns an invalid template whose
    // error() says what and where.
    static MessageTemplate parse(const QByteArray& text);
    // True when the text holds a placeholder (or a {{{{ escape): false means it is sent as it is.
    static bool looksTemplated(const QByteArray& text) { return text.contains("{{"); }

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    // Only literal parts: every message is the same.
    bool isConstant() const;
    const QList<Part>& parts() const { return m_parts; }

    // Appends message number seq (1-based) to out.
    void expandInto(QByteArray& out, quint64 seq);
    QByteArray expand(quint64 seq);

    // Test hooks: the clock ({{now}}, {{ts_ms}}) in ms since the epoch, and the random seed.
    void setClock(std::function<qint64()> msSinceEpoch) { m_clock = std::move(msSinceEpoch); }
    void setSeed(quint64 seed) { m_rng.seed(seed); }

    // The largest {{bytes}} filler.
    static constexpr qint64 kMaxBytes = 64LL * 1024 * 1024;

private:
    qint64 nowMs() const;
    void appendUuid(QByteArray& out);
    void appendNow(QByteArray& out, qint64 ms);
    static bool parseSize(const QByteArray& text, qint64* size);

    QList<Part> m_parts;
    QString m_error;
    std::function<qint64()> m_clock;
    std::mt19937_64 m_rng{std::random_device{}()};
    qint64 m_cachedMs = -1; // {{now}} is formatted once per millisecond
    QByteArray m_cachedNow;
};

} // namespace rqc
