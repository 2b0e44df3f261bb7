#include "ReliableRecovery.h"

#include "ClusterMap.h"

#include "LuaScript.h"
#include "RedisConnection.h"

namespace rqc {

namespace {
// KEYS: processing, heartbeat, queue, dead, deliveries. ARGV: maxDeliveries, limit.
// Returns {status (-1 alive, 0 done), moved back, dead-lettered, left in the list}.
const LuaScript kRecover(R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return {-1, 0, 0, 0} end
local max = tonumber(ARGV[1])
local back, dead = 0, 0
for i = 1, tonumber(ARGV[2]) do
  local v = redis.call('LINDEX', KEYS[1], 0)
  if not v then return {0, back, dead, 0} end
  local f = redis.sha1hex(v)
  if redis.call('HINCRBY', KEYS[5], f, 1) >= max then
    redis.call('LMOVE', KEYS[1], KEYS[4], 'LEFT', 'LEFT')
    redis.call('HDEL', KEYS[5], f)
    dead = dead + 1
  else
    redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT')
    back = back + 1
  end
end
return {0, back, dead, redis.call('LLEN', KEYS[1])}
)lua");

QByteArray escapeGlob(const QByteArray& text)
{
    QByteArray out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}
} // namespace

ReliableListKeys ReliableListKeys::forQueue(const QByteArray& queue, const QByteArray& dead,
                                            bool cluster)
{
    ReliableListKeys k;
    k.queue = queue;
    k.prefix = prefixFor(queue, cluster);
    k.dead = dead.isEmpty() ? k.prefix + ":dead" : dead;
    k.deliveries = k.prefix + ":deliveries";
    return k;
}

QByteArray ReliableListKeys::prefixFor(const QByteArray& queue, bool cluster)
{
    return cluster && !ClusterMap::hasHashTag(queue) ? '{' + queue + '}' : queue;
}

QByteArray ReliableListKeys::processingFor(const QByteArray& consumer) const
{
    return base() + ":processing:" + consumer;
}

QByteArray ReliableListKeys::processingPattern() const
{
    return escapeGlob(base()) + ":processing:*";
}

QByteArray ReliableListKeys::consumerOf(const QByteArray& processing) const
{
    const QByteArray start = base() + ":processing:";
    return processing.startsWith(start) ? processing.mid(start.size()) : QByteArray();
}

ReliableRecovery::ReliableRecovery(RedisConnection* connection, const ReliableListKeys& keys,
                                   QObject* parent, const QByteArray& own)
    : QObject(parent)
    , m_conn(connection)
    , m_keys(keys)
    , m_own(own)
{
    // A lost connection ends the run; what was moved so far stays moved.
    connect(connection, &RedisConnection::disconnected, this,
            [this](const QString& reason) { done(reason); });
}

void ReliableRecovery::start(qint64 requestId)
{
    m_report = RecoveryReport();
    m_report.requestId = requestId;
    if (!m_conn || !m_conn->isReady()) {
        done(tr("Not connected."));
        return;
    }
    scan("0");
}

void ReliableRecovery::scan(const QByteArray& cursor)
{
    m_conn->send(
        {"SCAN", cursor, "MATCH", m_keys.processingPattern(), "COUNT", "1000", "TYPE", "list"},
        [this](const RedisReply& r) {
            if (r.isError() || !r.isArray() || r.elements.size() != 2) {
                done(QString::fromUtf8(r.isError() ? r.str : r.toDebugString()));
                return;
            }
            for (const RedisReply& k : r.elements[1].elements) {
                if (k.str == m_own)
                    continue;
                if (!m_seen.contains(k.str)) { // SCAN may return a key twice
                    m_seen.insert(k.str);
                    m_lists.append(k.str);
                }
            }
            if (r.elements[0].str != "0") {
                scan(r.elements[0].str);
                return;
            }
            m_report.listsFound = int(m_lists.size());
            next();
        });
}

void ReliableRecovery::next()
{
    if (m_finished)
        return;
    if (m_lists.isEmpty()) {
        done();
        return;
    }
    const QByteArray list = m_lists.first();
    kRecover.run(
        m_conn,
        {list, ReliableListKeys::heartbeatKey(list), m_keys.queue, m_keys.dead, m_keys.deliveries},
        {QByteArray::number(m_keys.maxDeliveries), QByteArray::number(kChunk)},
        [this, list](const RedisReply& r) {
            if (r.isError() || !r.isArray() || r.elements.size() != 4) {
                done(QString::fromUtf8(r.isError() ? r.str : r.toDebugString()));
                return;
            }
            const bool alive = r.elements[0].integer < 0;
            const qint64 back = r.elements[1].integer;
            const qint64 dead = r.elements[2].integer;
            m_report.requeued += back;
            m_report.deadLettered += dead;
            if (!alive && (back || dead))
                m_orphaned.insert(list);
            if (alive || r.elements[3].integer == 0)
                m_lists.removeFirst(); // else: more left, run again on the same list
            next();
        });
}

void ReliableRecovery::done(const QString& error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_report.error = error;
    m_report.listsOrphaned = int(m_orphaned.size());
    emit finished(m_report);
}

} // namespace rqc
