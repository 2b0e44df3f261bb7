// Issue 11's `charts`: what sampling 50 visible chart series costs the server. On its own
// redis-server (45 lists, 5 streams with a group), three windows of the same length in one run:
// the server alone (reference), the idle console (its ServerMonitor and one blocked List pane,
// driven directly as in idle-cost), and the idle console plus a ChartSampler watching 50 series
// (45 LLEN, 5 XLEN + XINFO GROUPS: one pipelined round trip a second). Server CPU from INFO cpu
// (used_cpu_sys + used_cpu_user) of that server.
#include "ChartSampler.h"
#include "Consumer.h"
#include "SandboxServer.h"
#include "Scenarios.h"
#include "ServerMonitor.h"

#include <cmath>

namespace rqc::bench {

namespace {
double round2(double v) { return std::round(v * 100) / 100; }

// Calls and server time (usec) of the sampler's commands (LLEN, XLEN, XINFO) since the last
// CONFIG RESETSTAT: the server's own accounting, without the noise of INFO cpu's totals.
QPair<double, double> samplingCommands(SyncClient& c)
{
    double calls = 0, usec = 0;
    const QByteArray info = c.command({"INFO", "commandstats"}).str;
    for (const QByteArray& line : info.split('\n')) {
        if (!line.startsWith("cmdstat_llen:") && !line.startsWith("cmdstat_xlen:") &&
            !line.startsWith("cmdstat_xinfo|groups:"))
            continue;
        for (const QByteArray& field : line.mid(line.indexOf(':') + 1).split(',')) {
            if (field.startsWith("calls="))
                calls += field.mid(6).toDouble();
            else if (field.startsWith("usec="))
                usec += field.mid(5).toDouble();
        }
    }
    return {calls, usec};
}
} // namespace

bool runCharts(const Options& o, Result* r)
{
    SandboxServer server;
    QString error;
    if (!server.start({}, &error)) {
        r->extra.insert(QStringLiteral("error"),
                        QStringLiteral("cannot start redis-server: %1").arg(error));
        return false;
    }
    const ConnectionSettings settings = server.settings();
    SyncClient c(settings);
    QList<QList<QByteArray>> fill;
    QList<SampleTarget> targets;
    for (int i = 0; i < 45; ++i) {
        const QByteArray name = "queue:" + QByteArray::number(i);
        fill.append({"RPUSH", name, "a", "b", "c"});
        SampleTarget t;
        t.key = name;
        targets << t;
    }
    for (int i = 0; i < 5; ++i) {
        const QByteArray name = "events:" + QByteArray::number(i);
        fill.append({"XADD", name, "*", "f", "v"});
        fill.append({"XGROUP", "CREATE", name, "g", "0"});
        SampleTarget t;
        t.kind = SampleTarget::Kind::Stream;
        t.key = name;
        t.group = "g";
        targets << t;
    }
    c.pipeline(fill);
    const int window = o.windowMs;
    r->extra.insert(QStringLiteral("window_s"), window / 1000.0);
    r->extra.insert(QStringLiteral("series"), double(targets.size()));
    CpuMeter cpu(settings);

    // 1. The server alone.
    spin(1000);
    cpu.start();
    spin(window);
    const double refMs = cpu.stop().value(QStringLiteral("server_ms")).toDouble();

    // 2. The idle console.
    ConsumerSpec spec;
    spec.mode = Mode::List;
    spec.target = "pane:queue";
    Consumer pane(settings, spec);
    pane.start();
    ServerMonitor monitor(settings, 3000);
    monitor.start();
    spin(4000); // its first walk and refresh
    c.command({"CONFIG", "RESETSTAT"});
    cpu.start();
    spin(window);
    const double idleMs = cpu.stop().value(QStringLiteral("server_ms")).toDouble();
    const auto idleCommands = samplingCommands(c);

    // 3. The idle console and 50 chart series.
    ChartSampler sampler(settings, 1000);
    quint64 samples = 0;
    QObject context;
    QObject::connect(&sampler, &ChartSampler::sampled, &context,
                     [&samples](qint64, const QHash<int, ChartSample>& s) { samples += s.size(); });
    for (const SampleTarget& t : targets)
        sampler.watch(t);
    spin(2000);
    const quint64 tripsBefore = sampler.roundTrips();
    c.command({"CONFIG", "RESETSTAT"});
    cpu.start();
    spin(window);
    const QJsonObject chartsCpu = cpu.stop();
    const auto chartsCommands = samplingCommands(c);
    const double chartsMs = chartsCpu.value(QStringLiteral("server_ms")).toDouble();
    const quint64 trips = sampler.roundTrips() - tripsBefore;
    monitor.stop();
    pane.stopAndWait();

    const auto pct = [window](double ms) {
        return round2(100 * ms / window);
    };
    r->messages = samples;
    r->seconds = window / 1000.0;
    r->extra.insert(QStringLiteral("ref_server_cpu_pct"), pct(refMs));
    r->extra.insert(QStringLiteral("idle_server_cpu_pct"), pct(idleMs));
    r->extra.insert(QStringLiteral("charts_server_cpu_pct"), pct(chartsMs));
    r->extra.insert(QStringLiteral("idle_console_cpu_pct"), pct(idleMs - refMs));
    r->extra.insert(QStringLiteral("charts_cpu_pct"), pct(chartsMs - idleMs));
    r->extra.insert(QStringLiteral("charts_server_ms_per_s"),
                    round2(1000 * (chartsMs - idleMs) / window));
    r->extra.insert(QStringLiteral("round_trips"), double(trips));
    // What the console's monitor sends of the same commands is in both windows: the difference
    // is the sampler's.
    const double seconds = window / 1000.0;
    r->extra.insert(QStringLiteral("charts_commands_per_s"),
                    round2((chartsCommands.first - idleCommands.first) / seconds));
    r->extra.insert(QStringLiteral("charts_command_usec_per_s"),
                    round2((chartsCommands.second - idleCommands.second) / seconds));
    r->extra.insert(QStringLiteral("client_threads_ms"),
                    chartsCpu.value(QStringLiteral("threads_ms")));
    return true;
}

} // namespace rqc::bench
