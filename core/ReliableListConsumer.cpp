#include "ReliableListConsumer.h"

#include "ClusterMap.h"
#include "LuaScript.h"
#include "RedisConnection.h"

namespace rqc {

namespace {
// Own processing list at start. KEYS: processing, dead, deliveries. ARGV: maxDeliveries.
// Counts one failed delivery per message; returns {payload, count, …} oldest first, where a
// negative count means the message reached the limit and went to the dead list.
const LuaScript kReread(R"lua(
local items = redis.call('LRANGE', KEYS[1], 0, -1)
local max = tonumber(ARGV[1])
local out = {}
for i = #items, 1, -1 do
  local v = items[i]
  local f = redis.sha1hex(v)
  local n = redis.call('HINCRBY', KEYS[3], f, 1)
  if n >= max then
    redis.call('LREM', KEYS[1], -1, v)
    redis.call('LPUSH', KEYS[2], v)
    redis.call('HDEL', KEYS[3], f)
    n = -n
  end
  out[#out + 1] = v
  out[#out + 1] = n
end
return out
)lua");

// Takes up to ARGV[1] messages at once. KEYS: queue, processing, deliveries. Leaves the processing
// list exactly as that many LMOVE <queue> <processing> RIGHT LEFT would (the oldest taken one
// rightmost) and returns {HLEN deliveries, payload, …} in delivery order (oldest first).
const LuaScript kTake(R"lua(
local n = tonumber(ARGV[1])
local hlen = redis.call('HLEN', KEYS[3])
if n <= 0 then return {hlen} end
local items = redis.call('LRANGE', KEYS[1], -n, -1)
local k = #items
if k == 0 then return {hlen} end
redis.call('LTRIM', KEYS[1], 0, -k - 1)
local out = {}
for i = k, 1, -1 do out[#out + 1] = items[i] end
redis.call('LPUSH', KEYS[2], unpack(out))
table.insert(out, 1, hlen)
return out
)lua");

// ack=auto: acks ARGV (oldest first). When they are exactly the processing list's tail (its
// oldest entries, the usual case) one LTRIM removes them and the reply is their number;
// otherwise each is removed with LREM -1 and the reply is the list of LREM results.
const LuaScript kAckTail(R"lua(
local k = #ARGV
local tail = redis.call('LRANGE', KEYS[1], -k, -1)
local same = #tail == k
if same then
  for i = 1, k do
    if tail[i] ~= ARGV[k - i + 1] then same = false break end
  end
end
if same then
  redis.call('LTRIM', KEYS[1], 0, -k - 1)
  return k
end
local out = {}
for i = 1, k do out[i] = redis.call('LREM', KEYS[1], -1, ARGV[i]) end
return out
)lua");

// Messages acked per kAckTail call (keeps each script short for other clients).
constexpr int kAckChunk = 1000;

// KEYS: processing, queue, deliveries. ARGV: payload. 1 = moved back, 0 = not pending.
const LuaScript kRequeue(R"lua(
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[3], redis.sha1hex(ARGV[1]), 1)
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1
)lua");

// KEYS: processing, dead, deliveries. ARGV: payload. 1 = dead-lettered, 0 = not pending.
const LuaScript kDeadLetter(R"lua(
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[3], redis.sha1hex(ARGV[1]))
redis.call('LPUSH', KEYS[2], ARGV[1])
return 1
)lua");
} // namespace

ReliableListConsumer::ReliableListConsumer(const ConnectionSettings& settings,
                                           const ConsumerSpec& spec, QObject* parent)
    : AckingConsumer(settings, spec, parent)
{
    nameKeys(settings.cluster);
    m_processingOption = spec.option(QStringLiteral("processing")).toUtf8();
}

void ReliableListConsumer::nameKeys(bool cluster)
{
    m_keys = ReliableListKeys::forQueue(spec().target,
                                        spec().option(QStringLiteral("dead")).toUtf8(), cluster);
    m_keys.maxDeliveries = maxDeliveries();
}

void ReliableListConsumer::onClusterFound() { nameKeys(true); }

QString ReliableListConsumer::gapNote() const
{
    return tr("Nothing was lost: messages taken before the gap are still in the processing list.");
}

QByteArray ReliableListConsumer::processingFor(const QByteArray& consumer) const
{
    return m_processingOption.isEmpty() ? m_keys.processingFor(consumer) : m_processingOption;
}

QByteArray ReliableListConsumer::heartbeatKeyFor(const QByteArray& consumer) const
{
    return ReliableListKeys::heartbeatKey(processingFor(consumer));
}

void ReliableListConsumer::onStarted()
{
    m_processing = processingFor(consumerName());
    emit identityChosen(consumerName(), m_processing);
    if (settings().cluster && m_keys.prefix != m_keys.queue)
        emit notice(tr("Redis Cluster: BLMOVE and the scripts need the queue and its processing "
                       "list in one slot, so the processing list is %1 and the other companion "
                       "keys start with %2 too (the hash tag makes them hash like the queue, slot "
                       "%3).")
                        .arg(QString::fromUtf8(m_processing), QString::fromUtf8(m_keys.prefix))
                        .arg(ClusterMap::keySlot(m_keys.queue)));
    recover(0); // orphaned lists of other consumers, on the ops connection
    rereadOwn();
}

void ReliableListConsumer::rereadOwn()
{
    if (!proceed())
        return;
    kReread.run(connection(), {m_processing, m_keys.dead, m_keys.deliveries},
                {QByteArray::number(m_keys.maxDeliveries)}, [this](const RedisReply& r) {
                    if (r.isError()) {
                        fail(QString::fromUtf8(r.str));
                        return;
                    }
                    int dead = 0;
                    for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
                        const qint64 n = r.elements[i + 1].integer;
                        if (n < 0) {
                            ++dead;
                            continue;
                        }
                        deliverOne(r.elements[i].str, int(n) + 1);
                    }
                    if (dead) {
                        counters().deadLettered += dead;
                        countersTouched();
                        emit notice(tr("%n message(s) in the processing list reached %1 "
                                       "deliveries and went to %2.",
                                       nullptr, dead)
                                        .arg(m_keys.maxDeliveries)
                                        .arg(QString::fromUtf8(m_keys.dead)));
                    }
                    takeBlocking();
                });
}

void ReliableListConsumer::onResumed()
{
    // Anything our lost BLMOVE / LMOVE replies had moved into the processing list is delivered.
    connection()->send({"LRANGE", m_processing, "0", "-1"}, [this](const RedisReply& r) {
        if (r.isError()) {
            fail(QString::fromUtf8(r.str));
            return;
        }
        QHash<QByteArray, int> known = m_pending;
        QList<QByteArray> extra;
        for (qsizetype i = r.elements.size() - 1; i >= 0; --i) {
            const QByteArray& v = r.elements[i].str;
            auto it = known.find(v);
            if (it != known.end() && it.value() > 0)
                --it.value();
            else
                extra.append(v);
        }
        deliverTaken(extra, true, [this] { takeBlocking(); });
    });
}

void ReliableListConsumer::onConnectionLost()
{
    m_blocking = false;
    m_taken.clear(); // still in the processing list; onResumed() finds them
    AckingConsumer::onConnectionLost();
}

void ReliableListConsumer::takeBlocking()
{
    if (!proceed() || !roomFor([this] { takeBlocking(); }))
        return;
    m_blocking = true;
    // A bounded wait (a silent network is noticed, see ConnectionSettings::healthMs), issued
    // again on nil; stop() releases us earlier with CLIENT UNBLOCK (nothing is moved then).
    connection()->send(
        {"BLMOVE", m_keys.queue, m_processing, "RIGHT", "LEFT", settings().blockSecondsArg()},
        [this](const RedisReply& r) {
            m_blocking = false;
            if (r.isError()) {
                fail(QString::fromUtf8(r.str));
                return;
            }
            if (r.isString()) {
                m_taken.append(r.str);
                m_nextBatch = 16;
                // At a stop, only deliver what was taken.
                takeBatch(isStopping() ? 0 : m_nextBatch);
                return;
            }
            takeBlocking(); // nil: unblocked at a stop
        });
}

void ReliableListConsumer::takeBatch(int count)
{
    // Up to count at once in one script (one command instead of count LMOVEs), with the HLEN
    // of the delivery counts.
    kTake.run(connection(), {m_keys.queue, m_processing, m_keys.deliveries},
              {QByteArray::number(count)}, [this, count](const RedisReply& r) {
                  if (r.isError()) {
                      fail(QString::fromUtf8(r.str));
                      return;
                  }
                  QList<QByteArray> values = std::move(m_taken);
                  m_taken.clear();
                  const qsizetype got = qMax<qsizetype>(0, r.elements.size() - 1);
                  for (qsizetype i = 1; i < r.elements.size(); ++i)
                      values.append(r.elements[i].str);
                  const bool countsExist = !r.elements.isEmpty() && r.elements[0].integer > 0;
                  const bool full = count > 0 && got == count;
                  deliverTaken(std::move(values), countsExist,
                               [this, full, count] { afterTake(full, count); });
              });
}

void ReliableListConsumer::afterTake(bool full, int lastCount)
{
    if (!proceed() || !roomFor([this, full, lastCount] { afterTake(full, lastCount); }))
        return;
    if (full) {
        m_nextBatch = qMin(lastCount * 2, kMaxBatch);
        takeBatch(m_nextBatch);
        return;
    }
    takeBlocking();
}

void ReliableListConsumer::deliverTaken(QList<QByteArray> values, bool countsExist,
                                        std::function<void()> then)
{
    if (values.isEmpty() || !countsExist) {
        for (const QByteArray& v : values)
            deliverOne(v, 1);
        then();
        return;
    }
    QList<QByteArray> argv{"HMGET", m_keys.deliveries};
    for (const QByteArray& v : values)
        argv.append(sha1Hex(v));
    connection()->send(argv, [this, values, then](const RedisReply& r) {
        for (qsizetype i = 0; i < values.size(); ++i) {
            const RedisReply e = r.elements.value(i);
            deliverOne(values[i], 1 + int(e.isString() ? e.str.toLongLong() : 0));
        }
        then();
    });
}

void ReliableListConsumer::deliverOne(const QByteArray& payload, int deliveryCount)
{
    Message m;
    m.payload = payload;
    m.source = m_keys.queue;
    m.deliveryCount = deliveryCount;
    ++m_pending[payload];
    ++m_pendingTotal;
    if (deliveryCount > 1)
        ++counters().redelivered;
    deliver(std::move(m));
    countersTouched();
}

int ReliableListConsumer::encodeAutoAcks(const MessageList& messages, QByteArray& encoded)
{
    // Oldest first, in chunks: each chunk is normally the processing list's tail (one LTRIM).
    // EVAL, not EVALSHA: these pipelines have no NOSCRIPT retry, and the body is small next to
    // a chunk's payloads.
    int calls = 0;
    for (qsizetype from = 0; from < messages.size(); from += kAckChunk) {
        QList<QByteArray> payloads;
        const qsizetype to = qMin(messages.size(), from + kAckChunk);
        payloads.reserve(to - from);
        for (qsizetype i = from; i < to; ++i)
            payloads.append(messages[i].payload);
        appendCommand(encoded, kAckTail.evalArgv({m_processing}, payloads));
        ++calls;
    }
    return calls;
}

void ReliableListConsumer::autoAcksAnswered(const MessageList& messages, QList<RedisReply>& replies)
{
    QList<QByteArray> clear;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const qsizetype chunk = i / kAckChunk;
        const RedisReply r = replies.value(chunk);
        const Message& m = messages[i];
        const bool acked = r.isInteger() ? r.integer > 0 // the whole chunk was the tail
                                         : r.elements.value(i - chunk * kAckChunk).integer > 0;
        if (acked) {
            ++counters().acked;
            if (m.deliveryCount > 1)
                clear.append(m.payload);
        } else {
            ++counters().gone; // recovered by someone else meanwhile (or an error)
        }
        forgetPending(m.payload);
    }
    clearCounts(clear);
}

void ReliableListConsumer::forgetPending(const QByteArray& payload)
{
    auto it = m_pending.find(payload);
    if (it == m_pending.end())
        return;
    if (--it.value() <= 0)
        m_pending.erase(it);
    --m_pendingTotal;
}

void ReliableListConsumer::clearCounts(const QList<QByteArray>& payloads)
{
    // The failed-delivery count of an acked message is no longer needed. Best effort, on ops.
    if (payloads.isEmpty() || !opsReady())
        return;
    QList<QByteArray> argv{"HDEL", m_keys.deliveries};
    for (const QByteArray& p : payloads)
        argv.append(sha1Hex(p));
    ops()->send(argv);
}

void ReliableListConsumer::doSettle(SettleAction action, qint64 requestId,
                                    const MessageList& messages)
{
    auto finish = [this, action, requestId, messages](QList<RedisReply>& replies) {
        SettleResult result;
        result.requestId = requestId;
        result.action = action;
        QList<QByteArray> clear;
        for (qsizetype i = 0; i < messages.size(); ++i) {
            const RedisReply r = replies.value(i);
            const Message& m = messages[i];
            if (r.isError()) {
                result.error = QString::fromUtf8(r.str);
                continue;
            }
            if (r.integer > 0) {
                result.done.append(m.seq);
                if (action == SettleAction::Ack) {
                    ++counters().acked;
                    if (m.deliveryCount > 1)
                        clear.append(m.payload);
                } else if (action == SettleAction::Requeue) {
                    ++counters().requeued;
                } else {
                    ++counters().deadLettered;
                }
            } else {
                result.gone.append(m.seq);
                ++counters().gone;
            }
            forgetPending(m.payload);
        }
        clearCounts(clear);
        finishSettle(result);
    };
    if (action == SettleAction::Ack) {
        QByteArray encoded;
        for (const Message& m : messages)
            appendCommand(encoded, {"LREM", m_processing, "-1", m.payload});
        if (messages.isEmpty()) {
            QList<RedisReply> none;
            finish(none);
            return;
        }
        ops()->sendEncoded(encoded, int(messages.size()), finish);
        return;
    }
    const LuaScript& script = action == SettleAction::Requeue ? kRequeue : kDeadLetter;
    const QByteArray target = action == SettleAction::Requeue ? m_keys.queue : m_keys.dead;
    QList<LuaScript::Call> calls;
    for (const Message& m : messages)
        calls.append({{m_processing, target, m_keys.deliveries}, {m.payload}});
    script.runMany(ops(), calls, finish);
}

void ReliableListConsumer::doRecover(qint64 requestId)
{
    auto* recovery = new ReliableRecovery(ops(), m_keys, this, m_processing);
    connect(recovery, &ReliableRecovery::finished, this, [this, recovery](const RecoveryReport& r) {
        if (r.requeued || r.deadLettered) {
            emit notice(tr("Recovered %1 message(s) from %2 orphaned processing list(s); %3 went "
                           "to the dead list.")
                            .arg(r.requeued)
                            .arg(r.listsOrphaned)
                            .arg(r.deadLettered));
        }
        finishRecovery(r);
        recovery->deleteLater();
    });
    recovery->start(requestId);
}

} // namespace rqc
