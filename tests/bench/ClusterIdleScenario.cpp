// What cluster discovery costs a big cluster (issue 8 beside issue 10's idle-cost): a
// three-master Redis Cluster (tests/common ClusterFixture, nodes started with
// --enable-debug-command), each master filled with N string keys by DEBUG POPULATE in a slot it
// serves, plus 50 lists and 5 streams under random names on whichever master serves them. The
// console's discovery (ServerMonitor given node 0, as ConsoleSession runs it: it walks node 0 and
// runs one monitor per other master, each with its own budget) and one List pane blocked on a
// queue of node 0, driven directly, no window. Measured: the time until every master's first
// walk is complete and every list and stream is found, each master's server CPU (INFO cpu)
// during that walk, over a window with the idle console, and over the same window after the
// console stopped (the reference: the same masters alone, cluster-bus gossip included).
#include "ClusterSupport.h"
#include "Consumer.h"
#include "Scenarios.h"
#include "ServerMonitor.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>

#include <cmath>
#include <memory>
#include <vector>

namespace rqc::bench {

namespace {

double round2(double v) { return std::round(v * 100) / 100; }

void setError(Result* r, const QString& e)
{
    r->extra.insert(QStringLiteral("error"), e);
    qWarning("%s: %s", qPrintable(r->name), qPrintable(e));
}

// Each master's INFO cpu over one phase (ms).
class MastersCpu {
public:
    explicit MastersCpu(test::ClusterFixture& cluster)
    {
        for (int i = 0; i < cluster.masters(); ++i)
            m_meters.push_back(std::make_unique<CpuMeter>(cluster.settings(i)));
    }
    void start()
    {
        for (auto& m : m_meters)
            m->start();
    }
    QList<double> stop(double* clientMs = nullptr)
    {
        QList<double> out;
        for (size_t i = 0; i < m_meters.size(); ++i) {
            const QJsonObject o = m_meters[i]->stop();
            out << o.value(QStringLiteral("server_ms")).toDouble();
            if (i == 0 && clientMs)
                *clientMs = o.value(QStringLiteral("client_ms")).toDouble();
        }
        return out;
    }

private:
    std::vector<std::unique_ptr<CpuMeter>> m_meters;
};

QJsonArray percents(const QList<double>& ms, double wallMs)
{
    QJsonArray a;
    for (double v : ms)
        a.append(round2(100 * v / wallMs));
    return a;
}

} // namespace

bool runIdleCostCluster(const Options& o, Result* r)
{
    test::ClusterFixture cluster;
    cluster.extraArgs = {QStringLiteral("--enable-debug-command"), QStringLiteral("yes")};
    QString error;
    if (!cluster.start(3, &error)) {
        setError(r, QStringLiteral("cannot start the cluster: %1").arg(error));
        return false;
    }
    const int masters = cluster.masters();
    QJsonArray dbsizes;
    for (int m = 0; m < masters; ++m) {
        // All in one slot of this master (a hash tag): DEBUG POPULATE does not route keys.
        const QByteArray tag = '{' + cluster.keyOnNode("bench-fill:", m) + '}';
        for (quint64 done = 0; done < o.messages; done += 500000) {
            const quint64 n = qMin<quint64>(500000, o.messages - done);
            const RedisReply pop = cluster.command(
                m,
                {"DEBUG", "POPULATE", QByteArray::number(n), tag + 'k' + QByteArray::number(done)},
                120000);
            if (pop.isError()) {
                setError(r, QString::fromUtf8(pop.str));
                return false;
            }
        }
    }
    QSet<QByteArray> lists, streams;
    auto* rng = QRandomGenerator::global();
    for (int i = 0; i < 50; ++i) {
        const QByteArray name = "queue:" + QByteArray::number(rng->generate64(), 36);
        if (!cluster.push(name, {"job"}).isInteger()) {
            setError(r, QStringLiteral("cannot create list %1").arg(QString::fromUtf8(name)));
            return false;
        }
        lists.insert(name);
    }
    for (int i = 0; i < 5; ++i) {
        const QByteArray name = "events:" + QByteArray::number(rng->generate64(), 36);
        if (cluster.keyCommand({"XADD", name, "*", "f", "v"}).isError()) {
            setError(r, QStringLiteral("cannot create stream %1").arg(QString::fromUtf8(name)));
            return false;
        }
        streams.insert(name);
    }
    double dbsize = 0;
    for (int m = 0; m < masters; ++m) {
        const qint64 n = cluster.command(m, {"DBSIZE"}).integer;
        dbsizes.append(double(n));
        dbsize += double(n);
    }
    r->extra.insert(QStringLiteral("dbsize"), dbsize);
    r->extra.insert(QStringLiteral("dbsize_per_master"), dbsizes);
    const int window = o.windowMs;
    r->extra.insert(QStringLiteral("window_s"), window / 1000.0);

    MastersCpu cpu(cluster);
    ConsumerSpec spec;
    spec.mode = Mode::List;
    spec.target = cluster.keyOnNode("pane:queue:", 0);
    Consumer pane(cluster.settings(0), spec);
    pane.start();
    ServerMonitor monitor(cluster.settings(0), 3000); // ConsoleSession's interval and budget
    ServerSnapshot last;
    qint64 allFoundMs = -1, completeMs = -1;
    QElapsedTimer clock;
    QObject context;
    QObject::connect(
        &monitor, &ServerMonitor::snapshotReady, &context, [&](const ServerSnapshot& s) {
            last = s;
            if (allFoundMs < 0 && listsEvery(s, lists, streams))
                allFoundMs = clock.elapsed();
            if (completeMs < 0 && s.discovery.complete && s.clusterNodesRead == masters)
                completeMs = clock.elapsed();
        });
    cpu.start();
    clock.start();
    monitor.start();
    const bool ok = waitFor([&] { return allFoundMs >= 0 && completeMs >= 0; },
                            [&] { return quint64(clock.elapsed() / 900000); }, 900000);
    double firstClientMs = 0;
    const QList<double> firstMs = cpu.stop(&firstClientMs);
    if (!ok) {
        setError(r, QStringLiteral("discovery did not finish"));
        return false;
    }
    const quint64 callsBefore = last.discovery.scanCalls;

    cpu.start();
    spin(window);
    double steadyClientMs = 0;
    const QList<double> steadyMs = cpu.stop(&steadyClientMs);
    const quint64 steadyCalls = last.discovery.scanCalls - callsBefore;
    monitor.stop();
    pane.stopAndWait();

    // The reference: the same masters without the console, measured after it (as idle-cost).
    cpu.start();
    spin(window);
    const QList<double> refMs = cpu.stop();

    QList<double> consoleMs;
    double worst = 0;
    for (int m = 0; m < masters; ++m) {
        consoleMs << steadyMs[m] - refMs[m];
        worst = qMax(worst, 100 * consoleMs.last() / window);
    }
    r->messages = o.messages;
    r->seconds = window / 1000.0;
    r->extra.insert(QStringLiteral("masters"), masters);
    r->extra.insert(QStringLiteral("server_cpu_pct"), percents(steadyMs, window));
    r->extra.insert(QStringLiteral("ref_server_cpu_pct"), percents(refMs, window));
    r->extra.insert(QStringLiteral("console_cpu_pct"), percents(consoleMs, window));
    r->extra.insert(QStringLiteral("console_cpu_pct_max"), round2(worst));
    r->extra.insert(QStringLiteral("first_discovery_s"), round2(completeMs / 1000.0));
    r->extra.insert(QStringLiteral("all_found_s"), round2(allFoundMs / 1000.0));
    r->extra.insert(QStringLiteral("first_discovery_cpu_pct"), percents(firstMs, completeMs));
    r->extra.insert(QStringLiteral("first_discovery_client_cpu_ms"), round2(firstClientMs));
    r->extra.insert(QStringLiteral("steady_client_cpu_ms"), round2(steadyClientMs));
    r->extra.insert(QStringLiteral("first_scan_calls"), double(callsBefore));
    r->extra.insert(QStringLiteral("steady_scan_calls"), double(steadyCalls));
    r->extra.insert(QStringLiteral("nodes_read"), last.clusterNodesRead);
    return true;
}

} // namespace rqc::bench
