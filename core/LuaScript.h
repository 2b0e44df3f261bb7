#pragma once

#include "RedisConnection.h"

#include <QByteArray>
#include <QList>

namespace rqc {

// A server-side Lua script run with EVALSHA, falling back to EVAL when the server does not know
// it yet (NOSCRIPT: first use, SCRIPT FLUSH, restart). Scripts are how the reliable and stream
// modes move a message atomically: the server runs the whole script before any other command, so
// two consoles racing on the same key each see a consistent state and move each message once.
class LuaScript {
public:
    explicit LuaScript(const char* source);

    const QByteArray& source() const { return m_source; }
    const QByteArray& sha1() const { return m_sha1; }

    // Runs the script on conn; cb gets the script's reply (or Redis's error).
    void run(RedisConnection* conn, const QList<QByteArray>& keys, const QList<QByteArray>& args,
             RedisConnection::Callback cb) const;
    // Runs the script once per call, pipelined; cb gets one reply per call, in order. Calls the
    // server did not know the script for are sent again with EVAL.
    struct Call {
        QList<QByteArray> keys;
        QList<QByteArray> args;
    };
    void runMany(RedisConnection* conn, const QList<Call>& calls,
                 RedisConnection::BatchCallback cb) const;
    // The argv of EVALSHA (for pipelines that handle NOSCRIPT themselves).
    QList<QByteArray> evalShaArgv(const QList<QByteArray>& keys,
                                  const QList<QByteArray>& args) const;
    QList<QByteArray> evalArgv(const QList<QByteArray>& keys, const QList<QByteArray>& args) const;

    static bool isNoScript(const RedisReply& reply);

private:
    QByteArray m_source;
    QByteArray m_sha1;
};

// The hex SHA-1 of bytes, as Lua's redis.sha1hex() computes it (the delivery-count field of the
// reliable list mode).
QByteArray sha1Hex(const QByteArray& bytes);

} // namespace rqc
