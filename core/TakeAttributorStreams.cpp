#include "TakeAttributor.h"

// Streams: XADD ids resolved by XREVRANGE at an ECHO mark, the entries remembered, and the
// XADD/XREADGROUP/XACK/XCLAIM rows (TakeAttributor.h).

namespace rqc {

namespace {
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

} // namespace rqc
