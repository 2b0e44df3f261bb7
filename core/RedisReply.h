#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QMetaType>
#include <QString>

#include <vector>

struct redisReader;

namespace rqc {

// One decoded RESP2 reply. Strings are raw bytes; nothing is decoded as text here.
struct RedisReply {
    enum class Type { Nil, Status, Error, Integer, String, Array };

    Type type = Type::Nil;
    QByteArray str;             // String, Status and Error payload
    qint64 integer = 0;         // Integer
    QList<RedisReply> elements; // Array

    bool isNil() const { return type == Type::Nil; }
    bool isError() const { return type == Type::Error; }
    bool isArray() const { return type == Type::Array; }
    bool isString() const { return type == Type::String; }
    bool isInteger() const { return type == Type::Integer; }
    // "OK" and other simple statuses.
    bool isStatus(const char* text) const { return type == Type::Status && str == text; }

    static RedisReply error(const QByteArray& text);
    // A readable one-line rendering, for errors and the log (not for payloads).
    QByteArray toDebugString() const;
};

// Encodes argv as a RESP command using hiredis's redisFormatCommandArgv.
QByteArray encodeCommand(const QList<QByteArray>& argv);
// Appends the encoded command to out (avoids a temporary per pipelined command).
void appendCommand(QByteArray& out, const QList<QByteArray>& argv);

// Incremental RESP decoder over hiredis's redisReader, building RedisReply values directly.
//
// Bytes from the wire are untrusted. Before hiredis sees them, a light scanner checks every
// header: lengths must be well-formed, -1 is the only negative one, arrays nest at most
// kMaxDepth deep, and no value or reply may announce more than the limit. Nothing is allocated
// for a size that has not arrived: arrays grow as their elements come in. Errors are sentences
// for the user (errorText()); no exception leaves feed() or next().
class RespReader {
    Q_DECLARE_TR_FUNCTIONS(rqc::RespReader)

public:
    // Redis's own proto-max-bulk-len.
    static constexpr qint64 kDefaultMaxReplyBytes = 512LL * 1024 * 1024;
    // Arrays open at once. hiredis 0.14 gives up at 9 with its own words; we stop before it.
    static constexpr int kMaxDepth = 7;

    RespReader();
    ~RespReader();
    RespReader(const RespReader&) = delete;
    RespReader& operator=(const RespReader&) = delete;

    // The largest value, and the largest reply (counting about sizeof(RedisReply) per element of
    // its arrays, as that is what it costs once decoded), that the peer may announce.
    void setMaxReplyBytes(qint64 bytes);
    qint64 maxReplyBytes() const { return m_maxReplyBytes; }

    void feed(const char* data, qsizetype size);
    void feed(const QByteArray& bytes) { feed(bytes.constData(), bytes.size()); }

    enum class Status { Reply, NeedMore, ProtocolError };
    // Takes the next complete reply out of the buffer. Replies that arrived before a protocol
    // error are still returned first.
    Status next(RedisReply& out);
    // A sentence saying what was wrong with the bytes (and, when the very first bytes of the
    // stream are not RESP, what the peer seems to be instead).
    QString errorText() const { return m_error; }
    // A fragment saying how much of an incomplete reply has arrived ("12 bytes of a reply had
    // arrived", "10 of a value of 2,000 bytes had arrived, 17 bytes of the reply in all"), or empty
    // when nothing is half-read.
    QString partialReplyText() const;

private:
    // Checks a header line so far (complete: it holds its '\n'); false after setError().
    bool checkLine(const char* line, qsizetype size, bool complete);
    // Takes a complete, checked header line into the scanner state.
    bool scanHeader(const char* line, qsizetype size);
    void setError(const QString& text);
    QString describeForeignPeer(const QByteArray& first) const;
    void endValue();

    redisReader* m_reader = nullptr;
    QString m_error;       // set once the stream is broken; reported after earlier replies
    bool m_broken = false; // the scanner found an error (or hiredis/memory failed)
    qint64 m_maxReplyBytes = kDefaultMaxReplyBytes;

    // Scanner state, for the reply being received.
    qint64 m_streamBytes = 0;   // all bytes accepted so far (0: nothing seen from the peer)
    QByteArray m_line;          // a header line split across feeds, still missing its '\n'
    qint64 m_bulkLeft = 0;      // payload bytes (plus CRLF) of the current bulk still to come
    qint64 m_bulkSize = -1;     // announced size of that bulk
    std::vector<qint64> m_open; // elements still expected by each open array
    qint64 m_replyBytes = 0;    // bytes of the current, incomplete reply
    qint64 m_replyCost = 0;     // announced cost of the current reply
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::RedisReply)
