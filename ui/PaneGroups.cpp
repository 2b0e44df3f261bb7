#include "PaneGroups.h"

#include "Consumer.h"

namespace rqc {

PaneGroups::PaneGroups(QObject* parent)
    : QObject(parent)
{
    setObjectName(QStringLiteral("paneGroups"));
}

PaneGroups* PaneGroups::of(QObject* pane)
{
    if (auto* groups =
            pane->findChild<PaneGroups*>(QStringLiteral("paneGroups"), Qt::FindDirectChildrenOnly))
        return groups;
    return new PaneGroups(pane);
}

QList<GroupFootprint> PaneGroups::footprintsOf(const QObject* pane)
{
    if (auto* groups =
            pane->findChild<PaneGroups*>(QStringLiteral("paneGroups"), Qt::FindDirectChildrenOnly))
        return groups->footprints();
    return {};
}

GroupFootprint& PaneGroups::entry(const ConnectionSettings& server, const QByteArray& stream,
                                  const QByteArray& group)
{
    GroupFootprint wanted;
    wanted.server = server;
    wanted.stream = stream;
    wanted.group = group;
    for (GroupFootprint& f : m_footprints) {
        if (f.sameGroup(wanted))
            return f;
    }
    m_footprints.append(wanted);
    return m_footprints.last();
}

void PaneGroups::watch(Consumer* consumer, const ConnectionSettings& server)
{
    if (!consumer || consumer->spec().mode != Mode::Stream)
        return;
    const QByteArray stream = consumer->spec().target;
    connect(consumer, &Consumer::identityChosen, this,
            [this, server, stream](const QByteArray& name, const QByteArray& group) {
                GroupFootprint& f = entry(server, stream, group);
                if (!f.consumers.contains(name))
                    f.consumers.append(name);
            });
    connect(consumer, &Consumer::groupCreated, this,
            [this, server, stream](const QByteArray& group) {
                entry(server, stream, group).groupCreated = true;
            });
}

} // namespace rqc
