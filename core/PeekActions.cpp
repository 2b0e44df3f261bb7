// PeekReaderWorker's actions on what a peek shows: check-and-act on one list element (delete,
// move, requeue, dead-letter), XDEL of one stream entry, and turning keyspace notifications on.
// The rest of the worker is in PeekReader.cpp.
#include "PeekReader.h"

#include "LuaScript.h"
#include "RedisConnection.h"

#include <QUuid>

namespace rqc {

namespace {

// Check-and-act on one element. KEYS: list, destination (the list itself when there is none).
// ARGV: index, expected bytes, action (delete|move|requeue), tombstone. 1 = done, 0 = the element
// at that index is not the one shown any more (nothing changed).
// Delete sets the element to a unique tombstone and removes that: with duplicate values, only the
// chosen element goes. The destination's type is checked first, so a move either happens whole or
// changes nothing.
const LuaScript kElementAction(R"lua(
if ARGV[3] == 'move' then
  local t = redis.call('TYPE', KEYS[2]).ok
  if t ~= 'list' and t ~= 'none' then
    return redis.error_reply('WRONGTYPE the destination ' .. KEYS[2] .. ' holds a ' .. t)
  end
end
local v = redis.call('LINDEX', KEYS[1], ARGV[1])
if v ~= ARGV[2] then return 0 end
if ARGV[3] == 'requeue' then
  redis.call('RPUSH', KEYS[1], v)
  return 1
end
redis.call('LSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('LREM', KEYS[1], 1, ARGV[4])
if ARGV[3] == 'move' then redis.call('LPUSH', KEYS[2], v) end
return 1
)lua");

} // namespace

void PeekReaderWorker::act(qint64 requestId, PeekAction action, qint64 index,
                           const QByteArray& expected, const QByteArray& destination)
{
    PeekActionResult result;
    result.requestId = requestId;
    result.action = action;
    if (!m_conn || !m_conn->isReady()) {
        result.message = tr("Not connected to the server.");
        finishAction(result);
        return;
    }
    QByteArray verb = "delete";
    QByteArray dest = m_key;
    switch (action) {
    case PeekAction::MoveTo:
        verb = "move";
        dest = destination;
        break;
    case PeekAction::DeadLetter:
        verb = "move";
        dest = destination.isEmpty() ? m_key + ":dead" : destination;
        break;
    case PeekAction::Requeue:
        verb = "requeue";
        break;
    default:
        break;
    }
    if (dest.isEmpty()) {
        result.message = tr("Name the list to move the element to.");
        finishAction(result);
        return;
    }
    const QByteArray tombstone =
        "rqconsole:tombstone:" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    kElementAction.run(
        m_conn, {m_key, dest}, {QByteArray::number(index), expected, verb, tombstone},
        [this, result, action, index, dest](const RedisReply& r) mutable {
            if (r.isError()) {
                result.message = QString::fromUtf8(r.str);
            } else if (r.integer == 0) {
                result.moved = true;
                result.message = tr("The element moved or was taken since it was shown "
                                    "(index %1 holds something else now): nothing changed.")
                                     .arg(index);
            } else {
                result.done = true;
                switch (action) {
                case PeekAction::Delete:
                    result.message = tr("Deleted the element at index %1.").arg(index);
                    break;
                case PeekAction::Requeue:
                    result.message =
                        tr("Pushed a copy of the element to the consuming end (RPUSH).");
                    break;
                default:
                    result.message = tr("Moved the element at index %1 to %2.")
                                         .arg(index)
                                         .arg(QString::fromUtf8(dest));
                    break;
                }
            }
            finishAction(result);
        });
}

void PeekReaderWorker::deleteEntry(qint64 requestId, const QByteArray& id)
{
    PeekActionResult result;
    result.requestId = requestId;
    result.action = PeekAction::XDel;
    if (!m_conn || !m_conn->isReady()) {
        result.message = tr("Not connected to the server.");
        finishAction(result);
        return;
    }
    m_conn->send({"XDEL", m_key, id}, [this, result, id](const RedisReply& r) mutable {
        if (r.isError()) {
            result.message = QString::fromUtf8(r.str);
        } else if (r.integer == 0) {
            result.moved = true;
            result.message =
                tr("Entry %1 was already gone: nothing changed.").arg(QString::fromUtf8(id));
        } else {
            result.done = true;
            result.message = tr("Deleted entry %1 (XDEL).").arg(QString::fromUtf8(id));
        }
        finishAction(result);
    });
}

void PeekReaderWorker::enableNotifications(qint64 requestId)
{
    PeekActionResult result;
    result.requestId = requestId;
    result.action = PeekAction::EnableNotifications;
    if (!m_conn || !m_conn->isReady()) {
        result.message = tr("Not connected to the server.");
        finishAction(result);
        return;
    }
    m_conn->send(
        {"CONFIG", "GET", "notify-keyspace-events"}, [this, result](const RedisReply& r) mutable {
            if (r.isError()) {
                result.message = QString::fromUtf8(r.str);
                finishAction(result);
                return;
            }
            const QByteArray was = r.elements.value(1).str;
            QByteArray flags = was;
            if (!flags.contains('K'))
                flags += 'K';
            const char cls = m_kind == PeekSnapshot::Kind::Stream ? 't' : 'l';
            if (!flags.contains('A') && !flags.contains(cls))
                flags += cls;
            m_conn->send({"CONFIG", "SET", "notify-keyspace-events", flags},
                         [this, result, was, flags](const RedisReply& set) mutable {
                             if (set.isError()) {
                                 result.message = QString::fromUtf8(set.str);
                             } else {
                                 result.done = true;
                                 result.message =
                                     tr("notify-keyspace-events is now \"%1\" (was \"%2\").")
                                         .arg(QString::fromUtf8(flags), QString::fromUtf8(was));
                                 checkNotifications();
                             }
                             finishAction(result);
                         });
        });
}

void PeekReaderWorker::finishAction(PeekActionResult result)
{
    emit actionFinished(result);
    refresh();
}

} // namespace rqc
