#include "TakeAttributor.h"

// Reading the MONITOR stream: which lines can matter, and what each command does to the model
// (TakeAttributor.h). The model itself is in TakeAttributor.cpp.

namespace rqc {

namespace {
bool isScriptCall(const QByteArray& cmd)
{
    return cmd == "EVAL" || cmd == "EVALSHA" || cmd == "EVAL_RO" || cmd == "EVALSHA_RO" ||
           cmd == "FCALL" || cmd == "FCALL_RO";
}

// Commands that read a key and change nothing: no row, no resync.
bool isReadOnly(const QByteArray& cmd)
{
    static const QSet<QByteArray> reads{
        "LRANGE",      "LLEN",         "LINDEX",     "LPOS",        "TYPE",      "EXISTS",
        "TTL",         "PTTL",         "OBJECT",     "XRANGE",      "XREVRANGE", "XLEN",
        "XINFO",       "XPENDING",     "XREAD",      "DUMP",        "MEMORY",    "DEBUG",
        "SCAN",        "KEYS",         "ECHO",       "PUBSUB",      "SUBSCRIBE", "PSUBSCRIBE",
        "UNSUBSCRIBE", "PUNSUBSCRIBE", "EXPIRETIME", "PEXPIRETIME", "STRLEN",    "GET",
        "HGET",        "HLEN",         "SSCAN",      "HSCAN",       "ZSCAN"};
    return reads.contains(cmd);
}

qint64 timeoutToUs(const QByteArray& arg)
{
    bool ok = false;
    const double s = arg.toDouble(&ok);
    return ok && s > 0 ? qint64(s * 1e6) : 0;
}
} // namespace

bool TakeAttributor::mightMatter(const QByteArray& raw) const
{
    if (raw.contains(m_prefilter))
        return true;
    // Transactions and scripts frame what they run, and ECHO carries snapshot tokens.
    const qsizetype open = raw.indexOf("] \"");
    if (open < 0)
        return false;
    const char* p = raw.constData() + open + 3;
    const char* end = raw.constData() + raw.size();
    const char* q = p;
    while (q < end && *q != '"')
        ++q;
    const QByteArray cmd = QByteArray(p, int(q - p)).toUpper();
    return cmd == "MULTI" || cmd == "EXEC" || cmd == "DISCARD" || cmd == "ECHO" ||
           isScriptCall(cmd);
}

void TakeAttributor::applyLine(MonitorLine& line)
{
    const qint64 us = line.timeUs;
    m_lastUs = us;
    const bool lua = line.isLua();
    if (!lua) {
        if (m_inScript)
            endScript(us);
        // Outside an EXEC block's run, a line starts a new command: the previous one completed
        // and Redis served the clients it made ready (a transaction's first command included).
        if (m_dirty && m_execClient.isEmpty())
            serveBlocked(us);
        // A client that sends a command is no longer blocked. Unix-socket clients all show as
        // "unix:<path>" in MONITOR: one of them cannot tell us about another.
        if (!line.addr.startsWith("unix:"))
            dropWaiter(line.addr);
    }
    const QByteArray client = lua ? m_scriptClient : line.addr;
    const QByteArray cmd = line.command();
    QList<QByteArray>& a = line.argv;

    if (!lua) {
        if (cmd == "MULTI") {
            m_inMulti.insert(client);
            return;
        }
        if (cmd == "EXEC" || cmd == "DISCARD") {
            m_inMulti.remove(client);
            m_execClient.clear();
            if (m_dirty)
                serveBlocked(us);
            return;
        }
        if (m_inMulti.contains(client))
            m_execClient = client; // its queued commands run now, up to EXEC
        if (isScriptCall(cmd)) {
            m_inScript = true;
            m_scriptClient = client;
            m_scriptRemoved.clear();
            m_scriptAckCandidates.clear();
            // A script naming a processing list and payloads, that then removes from that list,
            // acks those payloads (the console's own reliable consumer acks this way).
            const int numKeys = a.size() > 2 ? a[2].toInt() : 0;
            for (int k = 0; k < numKeys && 3 + k < a.size(); ++k) {
                if (isProcessingOfTarget(a[3 + k], nullptr))
                    m_scriptAckCandidates.insert(a[3 + k], a.mid(3 + numKeys));
            }
            return;
        }
    }
    const bool canBlock = !lua && m_execClient.isEmpty();

    if (cmd.startsWith('X')) {
        streamCommand(line, cmd, client);
        return;
    }
    if (a.size() < 2)
        return;
    const QByteArray& key = a[1];

    if (cmd == "LPUSH" || cmd == "RPUSH" || cmd == "LPUSHX" || cmd == "RPUSHX") {
        const bool left = cmd[0] == 'L';
        if (matches(key)) {
            if (cmd.endsWith('X')) {
                ListModel& m = model(key);
                if (m.synced && m.size() == 0)
                    return;
            }
            for (qsizetype i = 2; i < a.size(); ++i)
                push(key, client, cmd, a[i], left, us);
            return;
        }
        if (lua && isProcessingOfTarget(key, nullptr)) {
            // A script moving what it just trimmed off the queue into a processing list: the
            // payloads are on the line, so these takes are certain.
            m_processingOwner.insert(key, client);
            for (qsizetype i = 2; i < a.size(); ++i) {
                for (qsizetype j = 0; j < m_scriptRemoved.size(); ++j) {
                    if (m_scriptRemoved[j].item.payload == a[i]) {
                        emitTake(m_scriptRemoved[j].key, m_scriptRemoved[j].item, client, "EVALSHA",
                                 us, true, key);
                        m_scriptRemoved.removeAt(j);
                        break;
                    }
                }
            }
        }
        return;
    }
    if (cmd == "RPOP" || cmd == "LPOP") {
        if (!matches(key))
            return;
        const int n = a.size() > 2 ? a[2].toInt() : 1;
        Item item;
        for (int i = 0; i < n && pop(key, cmd[0] == 'L', &item); ++i)
            emitTake(key, item, client, cmd, us, false, QByteArray());
        return;
    }
    if (cmd == "BRPOP" || cmd == "BLPOP") {
        if (a.size() < 3)
            return;
        Waiter w;
        w.addr = client;
        w.command = cmd;
        w.fromLeft = cmd == "BLPOP";
        for (qsizetype i = 1; i + 1 < a.size(); ++i) {
            if (matches(a[i]))
                w.keys.append(a[i]);
        }
        if (w.keys.isEmpty())
            return;
        for (const QByteArray& k : std::as_const(w.keys)) {
            Item item;
            ListModel& m = model(k);
            if (m.size() > 0 && pop(k, w.fromLeft, &item)) {
                emitTake(k, item, client, cmd, us, false, QByteArray());
                return;
            }
        }
        if (!canBlock)
            return;
        const qint64 t = timeoutToUs(a.last());
        w.deadlineUs = t ? us + t : 0;
        m_waiters.push_back(std::move(w));
        if (qsizetype(m_waiters.size()) > m_limits.maxWaiters)
            m_waiters.pop_front();
        return;
    }
    const bool lmove = cmd == "LMOVE" || cmd == "BLMOVE";
    if (lmove || cmd == "RPOPLPUSH" || cmd == "BRPOPLPUSH") {
        if (a.size() < 3 || (lmove && a.size() < 5))
            return;
        const QByteArray& dst = a[2];
        const bool fromLeft = lmove && a[3].toUpper() == "LEFT";
        const bool toLeft = !lmove || a[4].toUpper() == "LEFT";
        const bool blocking = cmd[0] == 'B';
        if (isProcessingOfTarget(dst, nullptr))
            m_processingOwner.insert(dst, client);
        if (matches(key)) {
            ListModel& m = model(key);
            Item item;
            if (m.size() > 0 && pop(key, fromLeft, &item)) {
                if (matches(dst))
                    push(dst, client, cmd, item.payload, toLeft, us, item.known);
                emitTake(key, item, client, cmd, us, false, dst);
                return;
            }
            if (blocking && canBlock) {
                Waiter w;
                w.addr = client;
                w.command = cmd;
                w.keys = {key};
                w.fromLeft = fromLeft;
                w.dest = dst;
                w.destLeft = toLeft;
                const qint64 t = timeoutToUs(a.last());
                w.deadlineUs = t ? us + t : 0;
                m_waiters.push_back(std::move(w));
                if (qsizetype(m_waiters.size()) > m_limits.maxWaiters)
                    m_waiters.pop_front();
            }
            return;
        }
        if (matches(dst)) // moved in from a list we do not observe: payload unknown
            push(dst, client, cmd, QByteArray(), toLeft, us, false);
        return;
    }
    if (cmd == "LREM") {
        if (a.size() < 4)
            return;
        const QByteArray& value = a[3];
        if (isProcessingOfTarget(key, nullptr)) {
            confirmAck(key, value, us);
            if (lua) {
                for (const QByteArray& v : m_scriptAckCandidates.take(key))
                    confirmAck(key, v, us);
            }
            return;
        }
        if (!matches(key))
            return;
        ListModel& m = model(key);
        qint64 count = a[2].toLongLong();
        const qint64 limit = count == 0 ? std::numeric_limits<qint64>::max() : qAbs(count);
        qint64 removed = 0;
        if (count >= 0) {
            for (auto it = m.items.begin(); it != m.items.end() && removed < limit;) {
                if (it->known && it->payload == value) {
                    emitRemove(key, *it, client, cmd, us);
                    it = m.items.erase(it);
                    ++removed;
                } else {
                    ++it;
                }
            }
        } else {
            for (auto i = qsizetype(m.items.size()) - 1; i >= 0 && removed < limit; --i) {
                if (m.items[size_t(i)].known && m.items[size_t(i)].payload == value) {
                    emitRemove(key, m.items[size_t(i)], client, cmd, us);
                    m.items.erase(m.items.begin() + i);
                    ++removed;
                }
            }
        }
        return;
    }
    if (cmd == "LTRIM") {
        if (a.size() < 4)
            return;
        if (lua && isProcessingOfTarget(key, nullptr)) {
            for (const QByteArray& v : m_scriptAckCandidates.take(key))
                confirmAck(key, v, us);
            return;
        }
        if (!matches(key))
            return;
        ListModel& m = model(key);
        const qint64 n = m.size();
        qint64 start = a[2].toLongLong();
        qint64 stop = a[3].toLongLong();
        if (start < 0)
            start = qMax<qint64>(0, n + start);
        if (stop < 0)
            stop = n + stop;
        stop = qMin(stop, n - 1);
        // Keep [start, stop] of the whole list ([unknown][items]); the rest goes.
        qint64 dropRight = start > stop ? n : n - 1 - stop;
        qint64 dropLeft = start > stop ? 0 : start;
        Item item;
        while (dropRight-- > 0 && pop(key, false, &item)) {
            if (lua)
                m_scriptRemoved.append(Removed{key, item, cmd});
            else
                emitRemove(key, item, client, cmd, us);
        }
        while (dropLeft-- > 0 && pop(key, true, &item))
            emitRemove(key, item, client, cmd, us);
        return;
    }
    if (cmd == "DEL" || cmd == "UNLINK") {
        for (qsizetype i = 1; i < a.size(); ++i) {
            ListModel* m = findModel(a[i]);
            if (!matches(a[i]))
                continue;
            Row r;
            r.obs.kind = Observation::Kind::Remove;
            r.obs.command = cmd;
            r.obs.key = a[i];
            r.obs.takenMs = us / 1000;
            r.clientAddr = client;
            r.payloadKnown = false;
            m_rows.push_back(std::move(r));
            if (m) {
                m->items.clear();
                m->unknown = 0;
            }
        }
        return;
    }
    if (cmd == "PUBLISH" || cmd == "SPUBLISH") {
        if (a.size() < 3 || !matches(key))
            return;
        Row r = produceRow(cmd, key, us, client);
        r.payload = a[2];
        m_rows.push_back(std::move(r));
        return;
    }
    if (!matches(key) || isReadOnly(cmd))
        return;
    // Anything else that writes the key (LSET, LINSERT, RENAME, SORT … STORE, EXPIRE…): show it,
    // and take a fresh snapshot, since the model cannot follow it.
    Row r;
    r.obs.kind = Observation::Kind::Other;
    r.obs.command = cmd;
    r.obs.key = key;
    r.obs.takenMs = us / 1000;
    r.clientAddr = client;
    r.payloadKnown = false;
    m_rows.push_back(std::move(r));
    ListModel& m = model(key);
    m.synced = false;
    m.items.clear();
    m.unknown = 0;
    m_seedRequests.append(key);
}

} // namespace rqc
