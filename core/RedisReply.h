#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>

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
class RespReader {
public:
    RespReader();
    ~RespReader();
    RespReader(const RespReader&) = delete;
    RespReader& operator=(const RespReader&) = delete;

    void feed(const char* data, qsizetype size);
    void feed(const QByteArray& bytes) { feed(bytes.constData(), bytes.size()); }

    enum class Status { Reply, NeedMore, ProtocolError };
    // Takes the next complete reply out of the buffer.
    Status next(RedisReply& out);
    QByteArray errorText() const { return m_error; }

private:
    redisReader* m_reader = nullptr;
    QByteArray m_error;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::RedisReply)
