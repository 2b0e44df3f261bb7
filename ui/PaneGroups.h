#pragma once

#include "ConnectionSettings.h"
#include "StreamGroupCleanup.h"

#include <QList>
#include <QObject>

namespace rqc {

class Consumer;

// What a pane's stream-group consumers left in consumer groups: the consumer names they read with,
// and the groups they created (XGROUP CREATE answered OK). Kept for the pane's life, across mode
// and target switches, for the clean-up offered when the pane closes or the console quits
// (GroupCleanupFlow).
class PaneGroups : public QObject {
    Q_OBJECT
public:
    explicit PaneGroups(QObject* parent = nullptr);
    // The pane's own (a child named paneGroups), made on first use.
    static PaneGroups* of(QObject* pane);
    // The pane's footprints, or none.
    static QList<GroupFootprint> footprintsOf(const QObject* pane);

    // Follows consumer (any mode; only a stream group leaves anything) on server.
    void watch(Consumer* consumer, const ConnectionSettings& server);
    const QList<GroupFootprint>& footprints() const { return m_footprints; }

private:
    GroupFootprint& entry(const ConnectionSettings& server, const QByteArray& stream,
                          const QByteArray& group);

    QList<GroupFootprint> m_footprints;
};

} // namespace rqc
