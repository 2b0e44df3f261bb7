#include "TakeAttributor.h"

#include <fnmatch.h>

// The list model: snapshots, pushes and pops, blocked clients served, held takes and their acks,
// drift checks. The commands that drive it are in TakeAttributorCommands.cpp, streams in
// TakeAttributorStreams.cpp.

namespace rqc {

namespace {
constexpr qint64 kTimeoutGraceUs = 500000;
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
