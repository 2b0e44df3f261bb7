#include "LuaScript.h"

#include <QCryptographicHash>
#include <QPointer>

namespace rqc {

QByteArray sha1Hex(const QByteArray& bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex();
}

LuaScript::LuaScript(const char* source)
    : m_source(source)
    , m_sha1(sha1Hex(m_source))
{
}

bool LuaScript::isNoScript(const RedisReply& reply)
{
    return reply.isError() && reply.str.startsWith("NOSCRIPT");
}

static QList<QByteArray> scriptArgv(const QByteArray& verb, const QByteArray& body,
                                    const QList<QByteArray>& keys, const QList<QByteArray>& args)
{
    QList<QByteArray> argv;
    argv.reserve(3 + keys.size() + args.size());
    argv << verb << body << QByteArray::number(keys.size());
    argv += keys;
    argv += args;
    return argv;
}

QList<QByteArray> LuaScript::evalShaArgv(const QList<QByteArray>& keys,
                                         const QList<QByteArray>& args) const
{
    return scriptArgv("EVALSHA", m_sha1, keys, args);
}

QList<QByteArray> LuaScript::evalArgv(const QList<QByteArray>& keys,
                                      const QList<QByteArray>& args) const
{
    return scriptArgv("EVAL", m_source, keys, args);
}

void LuaScript::run(RedisConnection* conn, const QList<QByteArray>& keys,
                    const QList<QByteArray>& args, RedisConnection::Callback cb) const
{
    QPointer<RedisConnection> guard(conn);
    QList<QByteArray> retry = evalArgv(keys, args);
    conn->send(evalShaArgv(keys, args),
               [guard, retry = std::move(retry), cb = std::move(cb)](const RedisReply& r) {
                   if (isNoScript(r) && guard) {
                       // Not cached on this server yet: EVAL loads and runs it in one go.
                       guard->send(retry, cb);
                       return;
                   }
                   if (cb)
                       cb(r);
               });
}

void LuaScript::runMany(RedisConnection* conn, const QList<Call>& calls,
                        RedisConnection::BatchCallback cb) const
{
    if (calls.isEmpty()) {
        QList<RedisReply> none;
        cb(none);
        return;
    }
    QByteArray encoded;
    for (const Call& c : calls)
        appendCommand(encoded, evalShaArgv(c.keys, c.args));
    QPointer<RedisConnection> guard(conn);
    conn->sendEncoded(encoded, int(calls.size()),
                      [this, guard, calls, cb = std::move(cb)](QList<RedisReply>& replies) {
                          QList<int> missing;
                          QByteArray again;
                          for (int i = 0; i < replies.size(); ++i) {
                              if (isNoScript(replies[i])) {
                                  missing << i;
                                  appendCommand(again, evalArgv(calls[i].keys, calls[i].args));
                              }
                          }
                          if (missing.isEmpty() || !guard) {
                              cb(replies);
                              return;
                          }
                          guard->sendEncoded(again, int(missing.size()),
                                             [replies, missing, cb](QList<RedisReply>& second) {
                                                 QList<RedisReply> all = replies;
                                                 for (int j = 0; j < missing.size(); ++j)
                                                     all[missing[j]] = second.value(j);
                                                 cb(all);
                                             });
                      });
}

} // namespace rqc
