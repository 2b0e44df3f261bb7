#include "StreamGroupCleanup.h"

#include "LuaScript.h"
#include "RedisConnection.h"

#include <QTimer>

namespace rqc {

namespace {
// KEYS: stream. ARGV: group, check|keep|destroy, '1' when the console created the group, then the
// console's consumer names. Returns {state, others {name, pending, …}, pending of others, pending
// of the console's consumers, removed {name, …}, kept {name, pending, …}}. Read and acted on in
// one run: nothing can join the group between the check and XGROUP DESTROY.
const LuaScript kCleanup(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone', {}, 0, 0, {}, {}} end
local groupPending = nil
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local name, pending
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'pending' then pending = g[i + 1] end
  end
  if name == ARGV[1] then groupPending = pending end
end
if groupPending == nil then return {'gone', {}, 0, 0, {}, {}} end
local mine = {}
for i = 4, #ARGV do mine[ARGV[i]] = true end
local others, own, ownPending = {}, {}, 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local name, pending
  for i = 1, #c, 2 do
    if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] end
  end
  if mine[name] then
    own[#own + 1] = {name, pending}
    ownPending = ownPending + pending
  else
    others[#others + 1] = name
    others[#others + 1] = pending
  end
end
local othersPending = groupPending - ownPending
local free = #others == 0 and othersPending == 0
if ARGV[2] == 'check' then
  return {free and 'free' or 'used', others, othersPending, ownPending, {}, {}}
end
if ARGV[2] == 'destroy' and ARGV[3] == '1' and free then
  redis.call('XGROUP', 'DESTROY', KEYS[1], ARGV[1])
  return {'destroyed', others, othersPending, ownPending, {}, {}}
end
local removed, kept = {}, {}
for _, c in ipairs(own) do
  if c[2] == 0 then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], c[1])
    removed[#removed + 1] = c[1]
  else
    kept[#kept + 1] = c[1]
    kept[#kept + 1] = c[2]
  end
end
return {'kept', others, othersPending, ownPending, removed, kept}
)lua");

QList<QPair<QByteArray, qint64>> pairs(const RedisReply& r)
{
    QList<QPair<QByteArray, qint64>> out;
    for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2)
        out.append({r.elements[i].str, r.elements[i + 1].integer});
    return out;
}
} // namespace

bool GroupFootprint::sameGroup(const GroupFootprint& o) const
{
    return stream == o.stream && group == o.group && server.address() == o.server.address() &&
           server.db == o.server.db;
}

StreamGroupCleanup::StreamGroupCleanup(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<rqc::GroupCleanupResult>();
    m_timeout = new QTimer(this);
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this] {
        GroupCleanupResult r;
        r.footprint = m_footprint;
        r.error = tr("the server did not answer in time");
        done(r);
    });
}

StreamGroupCleanup::~StreamGroupCleanup() { delete m_conn; }

void StreamGroupCleanup::check(const GroupFootprint& footprint) { run(footprint, "check"); }

void StreamGroupCleanup::clean(const GroupFootprint& footprint, bool destroyGroup)
{
    run(footprint, destroyGroup ? "destroy" : "keep");
}

void StreamGroupCleanup::run(const GroupFootprint& footprint, const QByteArray& action)
{
    delete m_conn;
    m_footprint = footprint;
    m_conn = new RedisConnection(footprint.server, QStringLiteral("cleanup"), QString(), this);
    RedisConnection* conn = m_conn;
    const auto lost = [this](const QString& error) {
        GroupCleanupResult r;
        r.footprint = m_footprint;
        r.error = error;
        done(r);
    };
    connect(conn, &RedisConnection::failed, this, lost);
    connect(conn, &RedisConnection::disconnected, this, lost);
    connect(conn, &RedisConnection::ready, this, [this, conn, action] {
        QList<QByteArray> args{m_footprint.group, action,
                               m_footprint.groupCreated ? QByteArray("1") : QByteArray("0")};
        args += m_footprint.consumers;
        kCleanup.run(conn, {m_footprint.stream}, args, [this](const RedisReply& reply) {
            GroupCleanupResult r;
            r.footprint = m_footprint;
            if (reply.isError() || reply.elements.size() < 6) {
                r.error = reply.isError() ? QString::fromUtf8(reply.str)
                                          : tr("unexpected reply from the clean-up script");
                done(r);
                return;
            }
            const QByteArray state = reply.elements[0].str;
            r.state = state == "gone"        ? GroupCleanupResult::State::Gone
                      : state == "free"      ? GroupCleanupResult::State::Free
                      : state == "used"      ? GroupCleanupResult::State::Used
                      : state == "destroyed" ? GroupCleanupResult::State::Destroyed
                                             : GroupCleanupResult::State::Kept;
            r.others = pairs(reply.elements[1]);
            r.othersPending = reply.elements[2].integer;
            r.ownPending = reply.elements[3].integer;
            for (const RedisReply& name : reply.elements[4].elements)
                r.removedConsumers << name.str;
            r.keptConsumers = pairs(reply.elements[5]);
            done(r);
        });
    });
    m_timeout->start(timeoutMs());
    conn->open();
}

void StreamGroupCleanup::done(GroupCleanupResult result)
{
    m_timeout->stop();
    if (m_conn) {
        m_conn->disconnect(this);
        m_conn->close();
        m_conn->deleteLater();
        m_conn = nullptr;
    }
    emit finished(result);
}

} // namespace rqc
