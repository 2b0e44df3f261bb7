#include "DepthFact.h"

#include "ModeFamily.h"

#include <QDateTime>

namespace rqc {

namespace {
const ServerSnapshot::Key* findKey(const QList<ServerSnapshot::Key>& keys, const QByteArray& name)
{
    for (const ServerSnapshot::Key& key : keys) {
        if (key.name == name)
            return &key;
    }
    return nullptr;
}
QString kindName(ModeFamily family)
{
    return family == ModeFamily::Stream ? DepthFact::tr("stream") : DepthFact::tr("list");
}
} // namespace

QString DepthFact::whyUnknown() const
{
    if (m_unreachableSinceMs)
        return tr("server unreachable since %1")
            .arg(QDateTime::fromMSecsSinceEpoch(m_unreachableSinceMs).toString(u"HH:mm:ss"));
    if (!m_wrongType.isEmpty())
        return m_wrongType;
    if (m_value >= 0)
        return {};
    return m_why.isEmpty() ? tr("not read yet") : m_why;
}

void DepthFact::reset()
{
    m_value = -1;
    m_readAtMs = 0;
    m_wrongType.clear();
    m_why.clear();
}

void DepthFact::setRead(qint64 depth, qint64 atMs)
{
    m_value = depth;
    m_readAtMs = atMs;
    m_why.clear();
    m_unreachableSinceMs = 0;
    if (depth >= 0)
        m_wrongType.clear();
}

void DepthFact::setWrongType(const QString& why)
{
    m_wrongType = why;
    m_value = -1;
}

void DepthFact::applySnapshot(const ConsumerSpec& spec, const ServerSnapshot& snapshot)
{
    m_unreachableSinceMs = 0;
    QString why;
    const qint64 depth = depthIn(spec, snapshot, &why);
    if (why.startsWith(QLatin1String("WRONGTYPE"))) {
        setWrongType(why);
        return;
    }
    const ModeFamily family = modeFamily(spec.mode);
    const bool found = (family == ModeFamily::List && findKey(snapshot.lists, spec.target)) ||
                       (family == ModeFamily::Stream && findKey(snapshot.streams, spec.target));
    // A WRONGTYPE from the consumer holds until the key is seen as the right kind: an absent
    // key in the snapshot only means it is not a list (stream), not that it is empty.
    if (!m_wrongType.isEmpty() && !found)
        return;
    m_wrongType.clear();
    m_value = depth;
    m_readAtMs = snapshot.takenAtMs;
    m_why = why;
}

void DepthFact::consumerFailed(const ConsumerSpec& spec, const QString& error)
{
    if (!error.startsWith(QLatin1String("WRONGTYPE")))
        return;
    setWrongType(tr("WRONGTYPE: %1 is not a %2, it holds another type")
                     .arg(QString::fromUtf8(spec.target), kindName(modeFamily(spec.mode))));
}

void DepthFact::setUnreachable(qint64 sinceMs)
{
    if (!m_unreachableSinceMs)
        m_unreachableSinceMs = sinceMs;
}

qint64 DepthFact::depthIn(const ConsumerSpec& spec, const ServerSnapshot& snapshot, QString* why)
{
    QString dummy;
    if (!why)
        why = &dummy;
    why->clear();
    const QString target = QString::fromUtf8(spec.target);
    const auto lengthIn = [&](const QList<ServerSnapshot::Key>& keys,
                              const QList<ServerSnapshot::Key>& otherKind, bool exact,
                              ModeFamily family) -> qint64 {
        if (const ServerSnapshot::Key* key = findKey(keys, spec.target))
            return key->length;
        if (findKey(otherKind, spec.target)) {
            *why = tr("WRONGTYPE: %1 holds a %2, not a %3")
                       .arg(target,
                            kindName(family == ModeFamily::List ? ModeFamily::Stream
                                                                : ModeFamily::List),
                            kindName(family));
            return -1;
        }
        // A key that does not exist is empty; one that discovery has not reached yet is unknown.
        if (exact)
            return 0;
        *why = tr("discovery has not reached %1 yet").arg(target);
        return -1;
    };
    switch (modeFamily(spec.mode)) {
    case ModeFamily::List:
        return lengthIn(snapshot.lists, snapshot.streams, snapshot.listsExact(), ModeFamily::List);
    case ModeFamily::Stream:
        return lengthIn(snapshot.streams, snapshot.lists, snapshot.streamsExact(),
                        ModeFamily::Stream);
    case ModeFamily::Channel:
    case ModeFamily::Other:
        break;
    }
    if (spec.mode != Mode::PubSub)
        return -1; // patterns have no one subscriber count
    for (const ServerSnapshot::Channel& channel : snapshot.channels) {
        if (channel.name == spec.target)
            return channel.subscribers;
    }
    return 0;
}

} // namespace rqc
