// QueueInspectorWorker's actions: recover a reliable queue's in-flight items, claim a stream
// group's pending entries, and requeue dead letters, each when the connection is ready. The
// snapshots are in QueueInspector.cpp.
#include "QueueInspector.h"

#include "LuaScript.h"
#include "RedisConnection.h"
#include "ReliableRecovery.h"
#include "StreamGroupConsumer.h"

namespace rqc {

namespace {
// KEYS: dead, queue, deliveries. ARGV: payload. 1 = back in the queue, 0 = not in the dead list.
const LuaScript kRequeueDeadItem(R"lua(
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[3], redis.sha1hex(ARGV[1]))
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1
)lua");

// KEYS: dead stream, stream. ARGV: dead entry id. Adds the entry's fields (without the origin
// fields the dead-lettering appended) to the stream as a new entry and deletes the dead one.
// 1 = requeued, 0 = no such dead entry, -1 = nothing left to add.
const LuaScript kRequeueDeadEntry(R"lua(
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then return 0 end
local f = e[1][2]
local n = #f
local ours = {['origin-id'] = true, ['origin-group'] = true, ['deliveries'] = true}
while n >= 2 and ours[f[n - 1]] do n = n - 2 end
if n < 2 then return -1 end
local out = {}
for i = 1, n do out[i] = f[i] end
redis.call('XADD', KEYS[2], '*', unpack(out))
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
)lua");

constexpr int kCap = 10000; // dead items fetched for "requeue all" per action
} // namespace

void QueueInspectorWorker::runWhenReady(std::function<void()> job, qint64 requestId)
{
    if (m_stopping) {
        RecoveryReport r;
        r.requestId = requestId;
        r.error = tr("The inspector stopped.");
        emit actionFinished(r);
        return;
    }
    if (m_conn && m_conn->isReady()) {
        m_open.append(requestId);
        job();
        return;
    }
    m_waiting.append({requestId, [this, requestId, job] {
                          m_open.append(requestId);
                          job();
                      }});
}

void QueueInspectorWorker::actionDone(const RecoveryReport& report)
{
    if (!m_open.removeOne(report.requestId))
        return; // already answered (connection lost)
    emit actionFinished(report);
    refresh();
}

void QueueInspectorWorker::recover(qint64 requestId)
{
    runWhenReady(
        [this, requestId] {
            ReliableListKeys keys = this->keys();
            keys.maxDeliveries = m_options.maxDeliveries;
            auto* recovery = new ReliableRecovery(m_conn, keys, this);
            connect(recovery, &ReliableRecovery::finished, this,
                    [this, recovery](const RecoveryReport& r) {
                        recovery->deleteLater();
                        actionDone(r);
                    });
            recovery->start(requestId);
        },
        requestId);
}

void QueueInspectorWorker::claim(qint64 requestId, const QByteArray& group,
                                 const QByteArray& consumer, qint64 minIdleMs)
{
    runWhenReady(
        [this, requestId, group, consumer, minIdleMs] {
            RecoveryReport report;
            report.requestId = requestId;
            claimRound(report, group, consumer, QByteArray::number(qMax<qint64>(0, minIdleMs)),
                       "0-0");
        },
        requestId);
}

void QueueInspectorWorker::claimRound(RecoveryReport report, const QByteArray& group,
                                      const QByteArray& consumer, const QByteArray& minIdle,
                                      const QByteArray& cursor)
{
    m_conn->send({"XAUTOCLAIM", m_key, group, consumer, minIdle, cursor, "COUNT", "1000", "JUSTID"},
                 [this, report, group, consumer, minIdle](const RedisReply& r) mutable {
                     if (r.isError() || r.elements.size() < 2) {
                         report.error = QString::fromUtf8(r.isError() ? r.str : r.toDebugString());
                         actionDone(report);
                         return;
                     }
                     report.requeued += r.elements[1].elements.size();
                     for (const RedisReply& id : r.elements.value(2).elements)
                         report.trimmed.append(id.str);
                     if (r.elements[0].str == "0-0") {
                         actionDone(report);
                         return;
                     }
                     claimRound(report, group, consumer, minIdle, r.elements[0].str);
                 });
}

void QueueInspectorWorker::requeueDead(qint64 requestId, const QList<QByteArray>& items)
{
    runWhenReady(
        [this, requestId, items] {
            m_conn->send({"TYPE", m_options.dead}, [this, requestId, items](const RedisReply& t) {
                const bool stream = t.str == "stream";
                if (!items.isEmpty() || t.str == "none") {
                    requeueItems(requestId, stream, items);
                    return;
                }
                // All of them: newest first for a list (each goes to the consuming end, so the
                // oldest ends up first in line), oldest first for a stream.
                const QList<QByteArray> argv =
                    stream ? QList<QByteArray>{"XRANGE", m_options.dead, "-",
                                               "+",      "COUNT",        QByteArray::number(kCap)}
                           : QList<QByteArray>{"LRANGE", m_options.dead, "0",
                                               QByteArray::number(kCap - 1)};
                m_conn->send(argv, [this, requestId, stream](const RedisReply& r) {
                    QList<QByteArray> all;
                    for (const RedisReply& e : r.elements)
                        all.append(stream ? e.elements.value(0).str : e.str);
                    requeueItems(requestId, stream, all);
                });
            });
        },
        requestId);
}

void QueueInspectorWorker::requeueItems(qint64 requestId, bool stream,
                                        const QList<QByteArray>& items)
{
    RecoveryReport report;
    report.requestId = requestId;
    QList<LuaScript::Call> calls;
    const QByteArray deliveries = keys().deliveries;
    for (const QByteArray& item : items) {
        if (stream)
            calls.append({{m_options.dead, m_key}, {item}});
        else
            calls.append({{m_options.dead, m_key, deliveries}, {item}});
    }
    (stream ? kRequeueDeadEntry : kRequeueDeadItem)
        .runMany(m_conn, calls, [this, report](QList<RedisReply>& replies) mutable {
            for (const RedisReply& r : replies) {
                if (r.isError())
                    report.error = QString::fromUtf8(r.str);
                else if (r.integer == 1)
                    ++report.requeued;
            }
            actionDone(report);
        });
}

} // namespace rqc
