#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "QueueInspector.h"
#include "ServerMonitor.h"

#include <QLabel>
#include <QPointer>
#include <QStringList>

#include <memory>

class QTimer;

namespace rqc {

class CensusService;
class ConsumerCensus;

// One line under a pane's header: who consumes its target (blocked list pops, processing lists
// with their heartbeats, stream groups and consumers), details in the tooltip. Asks the server on
// open and then at most every refreshIntervalMs() while visible, one census in flight. Channel
// panes have nothing to count and hide it.
class ConsumersLine : public QLabel {
    Q_OBJECT
public:
    explicit ConsumersLine(QWidget* parent = nullptr);
    ~ConsumersLine() override;

    // The server; `census` is its shared CensusService (the session's), or null for a private one.
    void setConnection(const ConnectionSettings& settings, CensusService* census = nullptr);
    void setSpec(const ConsumerSpec& spec);
    // The server's discovery: its processing lists spare the census a keyspace walk.
    void applySnapshot(const ServerSnapshot& snapshot);
    ConsumerCensus* census() const { return m_census.get(); }

    static int refreshIntervalMs() { return 5000; }
    // The one-line summary, and one line per consumer (for tooltips and the confirmation).
    static QString summary(const QueueSnapshot& census);
    // What may be missing from a list's census while the server's first discovery walk is still
    // running (the census re-reads the processing lists discovery found, it does not walk the
    // keyspace itself): empty once the walk is whole. progress is 0..1.
    static QString partialNote(bool discoveryComplete, double progress);
    static QStringList details(const QueueSnapshot& census);
    // Parts of the above, for what a confirmation names.
    static QString listPopsText(const QueueSnapshot& census, int namesShown = 3);
    static QString processingText(const QueueSnapshot& census, int namesShown = 3);
    static QString groupsText(const QueueSnapshot& census, const QByteArray& onlyGroup = {},
                              int namesShown = 3);

private:
    void restart();
    void passKnownLists();
    void onUpdated(const QueueSnapshot& census);
    void onTick();

    ConnectionSettings m_settings;
    QPointer<CensusService> m_service;
    bool m_connected = false;
    ConsumerSpec m_spec;
    std::unique_ptr<ConsumerCensus> m_census;
    QTimer* m_timer = nullptr;
    QList<QByteArray> m_processingLists; // from the last snapshot, for m_spec.target
    bool m_listsComplete = false;
    bool m_haveSnapshot = false;
    bool m_discoveryComplete = true;
    double m_discoveryProgress = 0;
};

} // namespace rqc
