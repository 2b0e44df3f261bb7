#pragma once

#include "BenchSupport.h"
#include "ConnectionSettings.h"

#include <QString>
#include <QStringList>

namespace rqc::bench {

struct Options {
    ConnectionSettings settings;
    QString scenario;
    quint64 messages = 1000000;
    int size = 64;
    QByteArray key; // list / channel / stream name; a per-scenario default when empty
    int latencyMessages = 10000;
    int latencyRate = 1000;
    int rowCap = 100000; // window-flood: the pane's row cap (the product default)
    int idleMs = 15000;
    int windowMs = 60000;    // idle-cost: each measuring window (with and without the console)
    QStringList specOptions; // extra key=value options for the consumer's spec (experiments)  // a
                             // run with no progress for this long has lost something: give up
};

// Each returns false when the scenario could not run at all (error in result.extra["error"]);
// counts are checked by the caller.
bool runPublishList(const Options& o, Result* r);
bool runPublishPubSub(const Options& o, Result* r);
// Issue 11: load mode with {{seq}} {{uuid}}, fast and paced at 1 000 / 10 000 / 50 000 msgs/s.
bool runPublishTemplate(const Options& o, Result* r);
bool runDrainList(const Options& o, Result* r);
bool runPubSubReceive(const Options& o, Result* r);
bool runDrainReliable(const Options& o, Result* r);
bool runDrainStream(const Options& o, Result* r);
bool runWindowFlood(const Options& o, Result* r);
bool runLatency(const Options& o, Result* r);
bool runPeek10m(const Options& o, Result* r);
bool runObserve(const Options& o, Result* r);
bool runPanes30(const Options& o, Result* r);
bool runFilterFlood(const Options& o, Result* r);
// Issue 11: window-flood and a filter over 100 000 rows with decoder Text beside Auto.
bool runDecoders(const Options& o, Result* r);
// Issue 10, discovery: an idle console's cost on N keys (own server with DEBUG POPULATE), and
// the time until every list and stream is found (plus 20 000 lists in the sidebar's tree).
bool runIdleCost(const Options& o, Result* r);
bool runDiscovery(const Options& o, Result* r);
// The same idle cost on a three-master cluster (N keys per master), per master, with the time
// until discovery of every master is complete (ClusterIdleScenario.cpp).
bool runIdleCostCluster(const Options& o, Result* r);
// Issue 9: an idle console with N (--messages) pub/sub panes: server CPU and commands per second.
bool runIdlePubSub(const Options& o, Result* r);
// Issue 11: server CPU of 50 visible chart series beside the idle console's, same run.
bool runCharts(const Options& o, Result* r);
// Not scenarios: pre-fill a list for the redis-py reference, delete keys.
bool runFillList(const Options& o, Result* r);

// Scenarios that need a QApplication (widgets) rather than a QCoreApplication.
bool needsGui(const QString& scenario);
QStringList scenarioNames();

} // namespace rqc::bench
