#include "TakeAttributor.h"

#include <fnmatch.h>

namespace rqc {

namespace {
constexpr qint64 kTimeoutGraceUs = 500000;

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

// The payload of a stream entry: the "message" field if there is one, else the first value.
QByteArray streamPayload(const QList<QByteArray>& argv, qsizetype firstField)
{
    for (qsizetype i = firstField; i + 1 < argv.size(); i += 2) {
        if (argv[i] == "message")
            return argv[i + 1];
    }
    return firstField + 1 < argv.size() ? argv[firstField + 1] : QByteArray();
}

// Where XADD's id argument is: after NOMKSTREAM and MAXLEN/MINID [=|~] threshold [LIMIT n].
qsizetype xaddIdIndex(const QList<QByteArray>& argv)
{
    qsizetype i = 2;
    while (i < argv.size()) {
        const QByteArray a = argv[i].toUpper();
        if (a == "NOMKSTREAM") {
            ++i;
        } else if (a == "MAXLEN" || a == "MINID") {
            ++i;
            if (i < argv.size() && (argv[i] == "=" || argv[i] == "~"))
                ++i;
            ++i; // threshold
            if (i < argv.size() && argv[i].toUpper() == "LIMIT")
                i += 2;
        } else {
            return i;
        }
    }
    return -1;
}
} // namespace

TakeAttributor::TakeAttributor(const QByteArray& target, bool pattern, const Limits& limits)
    : m_target(target)
    , m_pattern(pattern)
    , m_limits(limits)
{
    // The literal start of the target, as MONITOR quotes it: every line about it contains this.
    QByteArray literal = target;
    if (pattern) {
        qsizetype i = 0;
        while (i < literal.size() && !QByteArray("*?[\\").contains(literal[i]))
            ++i;
        literal.truncate(i);
    }
    m_prefilter = MonitorParser::quote(literal);
    m_prefilter.chop(1); // without the closing quote: keys that start with it match too
    if (!pattern)
        model(target);
}

bool TakeAttributor::matches(const QByteArray& key) const
{
    if (!m_pattern)
        return key == m_target;
    return fnmatch(m_target.constData(), key.constData(), 0) == 0;
}

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

TakeAttributor::ListModel& TakeAttributor::model(const QByteArray& key)
{
    auto it = m_models.find(key);
    if (it != m_models.end())
        return it.value();
    if (m_models.size() >= m_limits.maxKeys) {
        auto victim = m_models.begin();
        if (victim.key() == m_target)
            ++victim;
        if (victim != m_models.end())
            m_models.erase(victim);
    }
    ListModel& m = m_models[key];
    m.seedRequested = true;
    m_seedRequests.append(key);
    return m;
}

TakeAttributor::ListModel* TakeAttributor::findModel(const QByteArray& key)
{
    auto it = m_models.find(key);
    return it == m_models.end() ? nullptr : &it.value();
}

QList<QPair<QByteArray, QByteArray>> TakeAttributor::takeSeedRequests()
{
    QList<QPair<QByteArray, QByteArray>> out;
    for (const QByteArray& key : std::as_const(m_seedRequests)) {
        Seed s;
        s.key = key;
        s.token = "rqconsole-observe-seed:" + QByteArray::number(quintptr(this), 16) + ':' +
                  QByteArray::number(++m_seedCounter);
        out.append({key, s.token});
        m_seedsSent.push_back(std::move(s));
    }
    m_seedRequests.clear();
    return out;
}

void TakeAttributor::seedReplied(const QByteArray& token, qint64 length,
                                 const QList<QByteArray>& items, bool failed)
{
    for (Seed& s : m_seedsSent) {
        if (s.token == token) {
            s.replyIn = true;
            s.failed = failed;
            s.length = length;
            s.items = items;
            break;
        }
    }
    drain();
}

void TakeAttributor::applySeed(const QByteArray& key, qint64 length, const QList<QByteArray>& items)
{
    ListModel& m = model(key);
    m.items.clear();
    for (const QByteArray& v : items)
        m.items.push_back(Item{v, QByteArray(), 0, true});
    m.unknown = qMax<qint64>(0, length - qint64(items.size()));
    m.synced = true;
}

void TakeAttributor::apply(MonitorLine&& line)
{
    if (m_buffer.empty() && !blocked()) {
        processOne(line);
        drain();
        return;
    }
    if (qsizetype(m_buffer.size()) >= m_limits.maxBuffered) {
        // The snapshot's reply never came: go on without it.
        invalidate();
        processOne(line);
        return;
    }
    m_buffer.push_back(std::move(line));
    drain();
}

void TakeAttributor::drain()
{
    for (;;) {
        while (!m_seedsSent.empty() && m_seedsSent.front().linePassed &&
               m_seedsSent.front().replyIn) {
            Seed s = std::move(m_seedsSent.front());
            m_seedsSent.pop_front();
            if (!s.failed)
                applySeed(s.key, s.length, s.items);
        }
        if (blocked() || m_buffer.empty())
            return;
        MonitorLine l = std::move(m_buffer.front());
        m_buffer.pop_front();
        processOne(l);
    }
}

void TakeAttributor::processOne(MonitorLine& line)
{
    if (line.argv.size() == 2 && line.command() == "ECHO") {
        for (Check& c : m_checks) {
            if (c.token == line.argv[1]) {
                // Serve what the previous command made ready first: the LLEN ran after that.
                if (m_dirty && m_execClient.isEmpty())
                    serveBlocked(m_lastUs);
                const ListModel* m = findModel(c.key);
                c.seen = true;
                c.skip = !m || !m->synced;
                c.modelSize = m ? m->size() : 0;
                compareChecks();
                return;
            }
        }
        for (StreamReq& r : m_streamReqs) {
            if (r.token == line.argv[1]) {
                r.cut = m_xaddCount.value(r.key);
                resolveStreams();
                return;
            }
        }
        for (auto it = m_seedsSent.begin(); it != m_seedsSent.end(); ++it) {
            if (it->token == line.argv[1]) {
                // Older snapshots whose line never came (dropped) are of no use any more.
                m_seedsSent.erase(m_seedsSent.begin(), it);
                m_seedsSent.front().linePassed = true;
                return;
            }
        }
    }
    // The snapshot's own MULTI, reads and EXEC go through like anyone's: they change nothing, and
    // its MULTI…EXEC frames the snapshot exactly as Redis ran it.
    applyLine(line);
}

void TakeAttributor::dropWaiter(const QByteArray& addr)
{
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        if (it->addr == addr)
            it = m_waiters.erase(it);
        else
            ++it;
    }
}

bool TakeAttributor::isProcessingOfTarget(const QByteArray& key, QByteArray* queue) const
{
    const qsizetype at = key.lastIndexOf(":processing:");
    if (at <= 0)
        return false;
    const QByteArray q = key.left(at);
    if (!matches(q))
        return false;
    if (queue)
        *queue = q;
    return true;
}

void TakeAttributor::push(const QByteArray& key, const QByteArray& client,
                          const QByteArray& command, const QByteArray& payload, bool left,
                          qint64 us, bool known)
{
    ListModel& m = model(key);
    Item item{payload, client, us, known};
    if (left) {
        if (m.unknown > 0)
            ++m.unknown; // beyond the part we keep
        else
            m.items.push_front(item);
    } else {
        m.items.push_back(item);
    }
    while (qsizetype(m.items.size()) > m_limits.maxItemsPerKey) {
        m.items.pop_front();
        ++m.unknown;
    }
    m_dirty = true;
    Row r = produceRow(command, key, us, client);
    r.payload = payload;
    r.payloadKnown = known;
    m_rows.push_back(std::move(r));
}

bool TakeAttributor::pop(const QByteArray& key, bool left, Item* out)
{
    ListModel& m = model(key);
    if (m.size() == 0) {
        if (m.synced)
            return false;
        *out = Item{QByteArray(), QByteArray(), 0, false}; // a list we have no snapshot of yet
        return true;
    }
    if (left) {
        if (m.unknown > 0) {
            --m.unknown;
            *out = Item{QByteArray(), QByteArray(), 0, false};
        } else {
            *out = std::move(m.items.front());
            m.items.pop_front();
        }
    } else if (!m.items.empty()) {
        *out = std::move(m.items.back());
        m.items.pop_back();
    } else {
        --m.unknown;
        *out = Item{QByteArray(), QByteArray(), 0, false};
    }
    return true;
}

void TakeAttributor::emitTake(const QByteArray& key, const Item& item, const QByteArray& client,
                              const QByteArray& command, qint64 us, bool certain,
                              const QByteArray& dest)
{
    Row r;
    r.obs.kind = Observation::Kind::Consume;
    r.obs.command = command;
    r.obs.key = key;
    r.obs.certain = certain && item.known;
    r.obs.producedMs = item.producedUs / 1000;
    r.obs.takenMs = us / 1000;
    r.clientAddr = client;
    r.producerAddr = item.producer;
    r.consumerAddr = client;
    r.payload = item.payload;
    r.payloadKnown = item.known;
    if (!r.obs.certain && item.known && isProcessingOfTarget(dest, nullptr)) {
        // Wait for the consumer to ack this payload on its processing list.
        m_held.push_back(Held{std::move(r), dest, us});
        while (qsizetype(m_held.size()) > m_limits.maxHeld) {
            m_rows.push_back(std::move(m_held.front().row));
            m_held.pop_front();
        }
        return;
    }
    m_rows.push_back(std::move(r));
}

void TakeAttributor::emitRemove(const QByteArray& key, const Item& item, const QByteArray& client,
                                const QByteArray& command, qint64 us)
{
    Row r;
    r.obs.kind = Observation::Kind::Remove;
    r.obs.command = command;
    r.obs.key = key;
    r.obs.producedMs = item.producedUs / 1000;
    r.obs.takenMs = us / 1000;
    r.clientAddr = client;
    r.producerAddr = item.producer;
    r.payload = item.payload;
    r.payloadKnown = item.known;
    m_rows.push_back(std::move(r));
}

void TakeAttributor::confirmAck(const QByteArray& processing, const QByteArray& payload, qint64 us)
{
    auto found = m_held.end();
    for (auto it = m_held.begin(); it != m_held.end(); ++it) {
        if (it->row.payload != payload)
            continue;
        if (it->dest == processing) {
            found = it;
            break;
        }
        if (found == m_held.end())
            found = it;
    }
    if (found == m_held.end())
        return;
    Row r = std::move(found->row);
    if (found->dest != processing) {
        // The inference had it wrong: the payload is acked on another consumer's list.
        r.consumerAddr = m_processingOwner.value(processing);
        r.consumerName = processing.mid(processing.lastIndexOf(":processing:") + 12);
    }
    m_held.erase(found);
    r.obs.certain = true;
    r.obs.ackedMs = us / 1000;
    m_rows.push_back(std::move(r));
}

void TakeAttributor::expireHeld(qint64 nowUs, bool all)
{
    while (!m_held.empty() && (all || m_held.front().sinceUs + m_limits.holdUs < nowUs)) {
        m_rows.push_back(std::move(m_held.front().row));
        m_held.pop_front();
    }
}

void TakeAttributor::serveBlocked(qint64 us)
{
    m_dirty = false;
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        // Redis times a blocked client out a little after its deadline; a client that timed out
        // and goes on shows up with its next command anyway (dropWaiter).
        if (it->deadlineUs && it->deadlineUs + kTimeoutGraceUs < us) {
            it = m_waiters.erase(it); // timed out: Redis answered nil, unlogged
            continue;
        }
        bool served = false;
        for (const QByteArray& key : std::as_const(it->keys)) {
            ListModel* m = findModel(key);
            if (!m || m->size() == 0)
                continue;
            Item item;
            pop(key, it->fromLeft, &item);
            if (!it->dest.isEmpty()) {
                if (isProcessingOfTarget(it->dest, nullptr))
                    m_processingOwner.insert(it->dest, it->addr);
                if (matches(it->dest))
                    push(it->dest, it->addr, it->command, item.payload, it->destLeft, us,
                         item.known);
            }
            emitTake(key, item, it->addr, it->command, us, false, it->dest);
            served = true;
            break;
        }
        it = served ? m_waiters.erase(it) : it + 1;
    }
}

void TakeAttributor::endScript(qint64 us)
{
    m_inScript = false;
    // What the script trimmed off an observed list and did not move into a processing list.
    for (const Removed& r : std::as_const(m_scriptRemoved))
        emitRemove(r.key, r.item, m_scriptClient, r.command, us);
    m_scriptRemoved.clear();
    m_scriptAckCandidates.clear();
}

void TakeAttributor::settle(qint64 nowUs)
{
    if (m_inScript)
        endScript(m_lastUs);
    if (m_dirty && m_execClient.isEmpty())
        serveBlocked(m_lastUs);
    expireHeld(nowUs, false);
    releaseStreamRows(nowUs, false);
}

void TakeAttributor::invalidate()
{
    expireHeld(0, true);
    releaseStreamRows(0, true);
    m_streamReqs.clear();
    m_streamWanted.clear();
    m_checks.clear();
    m_xaddCount.clear();
    m_models.clear();
    m_waiters.clear();
    m_inMulti.clear();
    m_execClient.clear();
    m_inScript = false;
    m_scriptRemoved.clear();
    m_scriptAckCandidates.clear();
    m_seedRequests.clear();
    m_seedsSent.clear();
    m_buffer.clear();
    m_dirty = false;
    if (!m_pattern)
        model(m_target);
}

qsizetype TakeAttributor::modelItems() const
{
    qsizetype n = 0;
    for (const ListModel& m : m_models)
        n += qsizetype(m.items.size());
    return n;
}

QList<QPair<QByteArray, QByteArray>> TakeAttributor::takeLengthChecks()
{
    QList<QPair<QByteArray, QByteArray>> out;
    if (!m_checks.empty() || !m_seedsSent.empty())
        return out; // one round at a time, and not while a snapshot is on its way
    for (auto it = m_models.cbegin(); it != m_models.cend(); ++it) {
        if (!it->synced || it->unknown > 0)
            continue;
        Check c;
        c.key = it.key();
        c.token = "rqconsole-observe-check:" + QByteArray::number(quintptr(this), 16) + ':' +
                  QByteArray::number(++m_seedCounter);
        out.append({c.key, c.token});
        m_checks.push_back(std::move(c));
    }
    return out;
}

void TakeAttributor::lengthReplied(const QByteArray& token, qint64 length)
{
    for (Check& c : m_checks) {
        if (c.token == token) {
            c.length = length;
            c.replied = true;
        }
    }
    compareChecks();
}

void TakeAttributor::compareChecks()
{
    while (!m_checks.empty() && m_checks.front().seen && m_checks.front().replied) {
        const Check c = std::move(m_checks.front());
        m_checks.pop_front();
        ListModel* m = findModel(c.key);
        if (!m || c.skip || c.modelSize == c.length)
            continue;
        ++m_drifts;
        if (m->synced) { // else a snapshot is already on its way
            m->synced = false;
            m_seedRequests.append(c.key);
        }
    }
}

void TakeAttributor::rememberEntry(const QByteArray& key, const QByteArray& id, const Item& item)
{
    const QByteArray k = key + '\0' + id;
    if (!m_streamEntries.contains(k))
        m_streamOrder.push_back(k);
    m_streamEntries.insert(k, item);
    while (qsizetype(m_streamOrder.size()) > m_limits.maxItemsPerKey) {
        m_streamEntries.remove(m_streamOrder.front());
        m_streamOrder.pop_front();
    }
}

QList<TakeAttributor::StreamRequest> TakeAttributor::takeStreamRequests()
{
    QList<StreamRequest> out;
    for (const QByteArray& key : std::as_const(m_streamWanted)) {
        bool inFlight = false;
        for (const StreamReq& r : m_streamReqs)
            inFlight = inFlight || r.key == key;
        if (inFlight)
            continue;
        qint64 pending = 0;
        for (const PendingXadd& p : m_xaddPending)
            pending += p.row.obs.key == key;
        StreamReq r;
        r.key = key;
        r.token = "rqconsole-observe-ids:" + QByteArray::number(quintptr(this), 16) + ':' +
                  QByteArray::number(++m_seedCounter);
        r.count = int(qMin<qint64>(pending * 2 + 100, 10000));
        out.append(StreamRequest{r.key, r.token, r.count});
        m_streamReqs.push_back(std::move(r));
    }
    for (const StreamRequest& r : std::as_const(out))
        m_streamWanted.remove(r.key);
    return out;
}

void TakeAttributor::streamIdsReplied(const QByteArray& token,
                                      const QList<QPair<QByteArray, QByteArray>>& newestFirst,
                                      bool failed)
{
    for (StreamReq& r : m_streamReqs) {
        if (r.token == token) {
            r.replyIn = true;
            r.failed = failed;
            r.newestFirst = newestFirst;
        }
    }
    resolveStreams();
}

void TakeAttributor::resolveStreams()
{
    for (auto it = m_streamReqs.begin(); it != m_streamReqs.end();) {
        if (!it->replyIn || it->cut < 0) {
            ++it;
            continue;
        }
        const StreamReq r = std::move(*it);
        it = m_streamReqs.erase(it);
        // Newest entry = the cut-th XADD on the key; older ones follow back in order.
        for (auto p = m_xaddPending.begin(); p != m_xaddPending.end();) {
            if (p->row.obs.key != r.key || p->index > r.cut) {
                ++p;
                continue;
            }
            const qint64 back = r.cut - p->index;
            if (!r.failed && back < r.newestFirst.size() &&
                r.newestFirst[back].second == p->row.payload) {
                p->row.id = r.newestFirst[back].first;
                rememberEntry(
                    r.key, p->row.id,
                    Item{p->row.payload, p->row.producerAddr, p->row.obs.producedMs * 1000, true});
            }
            m_rows.push_back(std::move(p->row));
            p = m_xaddPending.erase(p);
        }
        bool more = false;
        for (const PendingXadd& p : m_xaddPending)
            more = more || p.row.obs.key == r.key;
        if (more)
            m_streamWanted.insert(r.key);
        it = m_streamReqs.begin(); // restart: erase may have moved things
    }
    // Acks of ids that are known now.
    for (auto h = m_heldStream.begin(); h != m_heldStream.end();) {
        auto e = m_streamEntries.constFind(h->row.obs.key + '\0' + h->row.id);
        if (e == m_streamEntries.cend()) {
            ++h;
            continue;
        }
        h->row.payload = e->payload;
        h->row.payloadKnown = true;
        h->row.producerAddr = e->producer;
        h->row.obs.producedMs = e->producedUs / 1000;
        m_rows.push_back(std::move(h->row));
        h = m_heldStream.erase(h);
    }
}

void TakeAttributor::releaseStreamRows(qint64 nowUs, bool all)
{
    while (!m_xaddPending.empty() &&
           (all || m_xaddPending.front().sinceUs + m_limits.holdUs < nowUs)) {
        m_rows.push_back(std::move(m_xaddPending.front().row));
        m_xaddPending.pop_front();
    }
    while (!m_heldStream.empty() &&
           (all || m_heldStream.front().sinceUs + m_limits.holdUs < nowUs)) {
        m_rows.push_back(std::move(m_heldStream.front().row));
        m_heldStream.pop_front();
    }
}

void TakeAttributor::streamCommand(MonitorLine& line, const QByteArray& cmd,
                                   const QByteArray& client)
{
    const QList<QByteArray>& a = line.argv;
    const qint64 us = line.timeUs;
    if (cmd == "XREADGROUP") {
        // XREADGROUP GROUP g c …: remember which consumer this client reads as.
        if (a.size() > 3 && a[1].toUpper() == "GROUP")
            m_streamConsumer.insert(client, a[3]);
        return;
    }
    if (a.size() < 2 || !matches(a[1]))
        return;
    const QByteArray& key = a[1];
    if (cmd == "XADD") {
        const qsizetype idAt = xaddIdIndex(a);
        if (idAt < 0)
            return;
        Row r = produceRow(cmd, key, us, client);
        r.payload = streamPayload(a, idAt + 1);
        const qint64 index = ++m_xaddCount[key];
        if (a[idAt] != "*") {
            r.id = a[idAt];
            rememberEntry(key, r.id, Item{r.payload, client, us, true});
            m_rows.push_back(std::move(r));
            return;
        }
        m_xaddPending.push_back(PendingXadd{std::move(r), index, us});
        m_streamWanted.insert(key);
        if (qsizetype(m_xaddPending.size()) > m_limits.maxHeld) {
            m_rows.push_back(std::move(m_xaddPending.front().row));
            m_xaddPending.pop_front();
        }
        return;
    }
    const bool ack = cmd == "XACK";
    const bool claim = cmd == "XCLAIM";
    const bool del = cmd == "XDEL";
    if (ack || claim || del) {
        // XACK s g id…, XCLAIM s g consumer min-idle id… [options], XDEL s id…
        const qsizetype first = ack ? 3 : claim ? 5 : 2;
        for (qsizetype i = first; i < a.size(); ++i) {
            const QByteArray& id = a[i];
            if (id.isEmpty() || !(id[0] >= '0' && id[0] <= '9'))
                break; // XCLAIM options follow the ids
            const auto known = m_streamEntries.constFind(key + '\0' + id);
            const Item item = known == m_streamEntries.cend() ? Item{{}, {}, 0, false} : *known;
            Row r;
            r.obs.kind = ack     ? Observation::Kind::Ack
                         : claim ? Observation::Kind::Consume
                                 : Observation::Kind::Remove;
            r.obs.command = cmd;
            r.obs.key = key;
            r.obs.producedMs = item.producedUs / 1000;
            r.obs.takenMs = us / 1000;
            if (ack)
                r.obs.ackedMs = us / 1000;
            r.clientAddr = client;
            r.producerAddr = item.producer;
            r.consumerAddr = client;
            r.consumerName = claim ? a[3] : m_streamConsumer.value(client);
            r.id = id;
            r.payload = item.payload;
            r.payloadKnown = item.known;
            // The id is exact; its payload may still be on its way (XADD * resolved later).
            if (!item.known && !del && (!m_xaddPending.empty() || !m_streamReqs.empty())) {
                m_heldStream.push_back(Held{std::move(r), QByteArray(), us});
                if (qsizetype(m_heldStream.size()) > m_limits.maxHeld) {
                    m_rows.push_back(std::move(m_heldStream.front().row));
                    m_heldStream.pop_front();
                }
                continue;
            }
            m_rows.push_back(std::move(r));
        }
        return;
    }
    if (cmd == "XAUTOCLAIM" || cmd == "XTRIM" || cmd == "XGROUP" || cmd == "XSETID") {
        Row r;
        r.obs.kind = cmd == "XTRIM" ? Observation::Kind::Remove : Observation::Kind::Other;
        r.obs.command = cmd;
        r.obs.key = key;
        r.obs.takenMs = us / 1000;
        r.clientAddr = client;
        if (cmd == "XAUTOCLAIM" && a.size() > 3) {
            r.consumerAddr = client;
            r.consumerName = a[3];
        }
        r.payloadKnown = false;
        m_rows.push_back(std::move(r));
    }
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

TakeAttributor::Row TakeAttributor::produceRow(const QByteArray& command, const QByteArray& key,
                                               qint64 us, const QByteArray& client)
{
    Row r;
    r.obs.kind = Observation::Kind::Produce;
    r.obs.command = command;
    r.obs.key = key;
    r.obs.producedMs = us / 1000;
    r.clientAddr = client;
    r.producerAddr = client;
    return r;
}

} // namespace rqc
