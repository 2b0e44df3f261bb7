// Issue 9: what an idle console with N pub/sub panes costs the server. Each pane is the product's
// Consumer in pub/sub mode: its subscribed connection (PING when idle, health=20 s default) and
// its OutputBufferWatch connection (CLIENT LIST ID once a second, the limit with CONFIG GET once
// a minute). Server CPU and commands per second over a window, against the same server without
// the console measured after it. --messages is the number of panes here. Starts its own server.
#include "Consumer.h"
#include "SandboxServer.h"
#include "Scenarios.h"

#include <QJsonObject>

#include <cmath>
#include <memory>
#include <vector>

namespace rqc::bench {

namespace {

double round2(double v) { return std::round(v * 100) / 100; }

// "cmdstat_ping:calls=12,usec=…" → {"ping": 12, …}, and total_commands_processed.
struct Commands {
    QHash<QByteArray, qint64> calls;
    qint64 total = 0;
};

Commands readCommands(SyncClient& c)
{
    Commands out;
    const QByteArray stats = c.command({"INFO", "commandstats"}).str;
    for (const QByteArray& raw : stats.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (!line.startsWith("cmdstat_"))
            continue;
        const qsizetype colon = line.indexOf(':');
        const qsizetype from = line.indexOf("calls=");
        if (colon < 0 || from < 0)
            continue;
        const qsizetype end = line.indexOf(',', from);
        out.calls.insert(line.mid(8, colon - 8), line.mid(from + 6, end - from - 6).toLongLong());
    }
    const QByteArray info = c.command({"INFO", "stats"}).str;
    const qsizetype at = info.indexOf("total_commands_processed:");
    if (at >= 0)
        out.total = info.mid(at + 25, info.indexOf('\r', at) - at - 25).toLongLong();
    return out;
}

// Calls per second of each command in the window, leaving out the meter's own INFO and the
// reads of these counters.
QJsonObject rates(const Commands& before, const Commands& after, double seconds, double* total)
{
    QJsonObject o;
    *total = 0;
    for (auto it = after.calls.begin(); it != after.calls.end(); ++it) {
        if (it.key() == "info")
            continue;
        const qint64 n = it.value() - before.calls.value(it.key());
        if (n <= 0)
            continue;
        o.insert(QString::fromUtf8(it.key()), round2(n / seconds));
        *total += n / seconds;
    }
    *total = round2(*total);
    return o;
}

} // namespace

bool runIdlePubSub(const Options& o, Result* r)
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
    const int panes = int(qBound<quint64>(1, o.messages, 200));
    const int window = o.windowMs;
    const double seconds = window / 1000.0;
    CpuMeter cpu(settings);

    std::vector<std::unique_ptr<Consumer>> consumers;
    for (int i = 0; i < panes; ++i) {
        ConsumerSpec spec;
        spec.mode = Mode::PubSub;
        spec.target = "idle:channel:" + QByteArray::number(i);
        consumers.push_back(std::make_unique<Consumer>(settings, spec));
        consumers.back()->start();
    }
    // Every subscriber and its watch connected, and the first minute's CONFIG GET behind us
    // counts as part of the window only as often as it happens: settle for 3 s.
    spin(3000);
    // The panes' connections (subscribed and pubsub-watch), not the bench's own two.
    const int clients = int(c.command({"CLIENT", "LIST"}).str.count("name=rqconsole:pubsub"));

    const Commands before = readCommands(c);
    cpu.start();
    spin(window);
    const QJsonObject withCpu = cpu.stop();
    const Commands after = readCommands(c);
    for (auto& consumer : consumers)
        consumer->stopAndWait();
    consumers.clear();
    spin(500);

    const Commands refBefore = readCommands(c);
    cpu.start();
    spin(window);
    const QJsonObject refCpu = cpu.stop();
    const Commands refAfter = readCommands(c);

    double perSecond = 0, refPerSecond = 0;
    const QJsonObject perCommand = rates(before, after, seconds, &perSecond);
    const QJsonObject refPerCommand = rates(refBefore, refAfter, seconds, &refPerSecond);
    const double ms = withCpu.value(QStringLiteral("server_ms")).toDouble();
    const double refMs = refCpu.value(QStringLiteral("server_ms")).toDouble();
    const auto pct = [window](double cpuMs) {
        return round2(100 * cpuMs / window);
    };
    r->messages = quint64(panes);
    r->seconds = seconds;
    r->extra.insert(QStringLiteral("panes"), panes);
    r->extra.insert(QStringLiteral("console_clients"), clients);
    r->extra.insert(QStringLiteral("window_s"), seconds);
    r->extra.insert(QStringLiteral("server_cpu_pct"), pct(ms));
    r->extra.insert(QStringLiteral("ref_server_cpu_pct"), pct(refMs));
    r->extra.insert(QStringLiteral("console_cpu_pct"), pct(ms - refMs));
    r->extra.insert(QStringLiteral("commands_per_s"), perSecond);
    r->extra.insert(QStringLiteral("ref_commands_per_s"), refPerSecond);
    r->extra.insert(QStringLiteral("commands"), perCommand);
    r->extra.insert(QStringLiteral("client_threads_ms"),
                    withCpu.value(QStringLiteral("threads_ms")));
    return true;
}

} // namespace rqc::bench
