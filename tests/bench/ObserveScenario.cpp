// Scenario "observe": the rate of MONITOR traffic an observe pane's worker keeps up with, beside
// `redis-cli monitor` (piped into `grep -m1` for the end marker, i.e. read and thrown away) on the
// same flood in the same run. The flood: N pipelined LPUSH commands of `size` bytes on the
// observed key, then one LPUSH of an end marker. Rate = commands / (flood start → the end marker
// seen by the reader). The observer's drops (lines skipped when it fell behind) are reported.
#include "ObserveWorker.h"
#include "RedisReply.h"
#include "Scenarios.h"
#include "WorkerThread.h"

#include <QProcess>

#include <atomic>

namespace rqc::bench {

namespace {
void fail(Result* r, const QString& e)
{
    r->extra.insert(QStringLiteral("error"), e);
    qWarning("%s: %s", qPrintable(r->name), qPrintable(e));
}

int monitors(SyncClient& c) { return int(c.command({"CLIENT", "LIST"}).str.count("cmd=monitor")); }

bool flood(SyncClient& c, const QByteArray& key, quint64 n, int size, const QByteArray& marker)
{
    const QByteArray payload(qMax(size, 1), 'x');
    if (!c.pipeline(
            n,
            [&](quint64, QByteArray& out) {
                appendCommand(out, {"LPUSH", key, payload});
            },
            4096, 4))
        return false;
    return !c.command({"LPUSH", key, marker}).isError();
}
} // namespace

bool runObserve(const Options& o, Result* r)
{
    r->name = QStringLiteral("observe");
    r->messages = o.messages;
    const QByteArray key = o.key.isEmpty() ? QByteArray("bench:observe") : o.key;
    SyncClient c(o.settings);
    if (!c.isConnected()) {
        fail(r, c.error());
        return false;
    }
    c.command({"DEL", key});

    // Reference: redis-cli monitor, read to the end marker and thrown away.
    double refSeconds = 0;
    if (o.settings.transport == ConnectionSettings::Transport::Tcp) {
        const QByteArray marker = "rqbench-observe-ref-end";
        QProcess cli;
        cli.start(QStringLiteral("sh"),
                  {QStringLiteral("-c"),
                   QStringLiteral("redis-cli -h %1 -p %2 monitor | grep -m1 -F -e %3 >/dev/null")
                       .arg(o.settings.host)
                       .arg(o.settings.port)
                       .arg(QString::fromUtf8(marker))});
        if (!waitFor([&] { return monitors(c) >= 1; }, [] { return quint64(0); }, 5000)) {
            fail(r, QStringLiteral("redis-cli monitor did not start"));
            return false;
        }
        QElapsedTimer t;
        t.start();
        if (!flood(c, key, o.messages, o.size, marker)) {
            fail(r, c.error());
            return false;
        }
        // grep exits at the marker; redis-cli ends at its next write (SIGPIPE): give it one.
        QElapsedTimer deadline;
        deadline.start();
        while (cli.state() != QProcess::NotRunning && !cli.waitForFinished(10) &&
               deadline.elapsed() < o.idleMs)
            c.command({"PING"});
        if (cli.state() == QProcess::NotRunning)
            refSeconds = double(t.nsecsElapsed()) / 1e9;
        else
            cli.kill();
        c.command({"DEL", key});
        spin(200);
    }

    // The product: an observe worker on its own thread, as an observe pane runs it.
    ConsumerSpec spec;
    spec.mode = Mode::Observe;
    spec.target = key;
    auto* worker = new ObserveWorker(o.settings, spec);
    WorkerThread thread(QStringLiteral("rq-observe"), worker);
    thread.quitWhen(worker, &ConsumerWorker::stopped);
    const QByteArray marker = "rqbench-observe-end";
    std::atomic<quint64> rows{0};
    QElapsedTimer clock;
    qint64 endNs = 0;
    bool listening = false;
    QStringList errors;
    QObject context;
    QObject::connect(worker, &ConsumerWorker::messagesArrived, &context,
                     [&](const MessageList& batch, quint64) {
                         rows += quint64(batch.size());
                         for (const Message& m : batch) {
                             if (m.payload == marker && clock.isValid())
                                 endNs = clock.nsecsElapsed();
                         }
                     });
    QObject::connect(worker, &ConsumerWorker::stateChanged, &context,
                     [&](ConsumerState s, const QString&) {
                         listening = listening || s == ConsumerState::Listening;
                     });
    QObject::connect(worker, &ConsumerWorker::errorOccurred, &context,
                     [&](const QString& e) { errors << e; });
    thread.start();
    QMetaObject::invokeMethod(worker, &ConsumerWorker::start, Qt::QueuedConnection);
    if (!waitFor([&] { return listening; }, [] { return quint64(0); }, 5000)) {
        fail(r, QStringLiteral("the observer never started: %1")
                    .arg(errors.join(QStringLiteral("; "))));
        return false;
    }
    spin(200); // its snapshot of the (empty) key
    CpuMeter cpu(o.settings);
    cpu.start();
    clock.start();
    if (!flood(c, key, o.messages, o.size, marker)) {
        fail(r, c.error());
        return false;
    }
    const quint64 dropsAtFlood = worker->dropped();
    waitFor([&] { return endNs != 0; }, [&] { return rows + worker->dropped(); }, o.idleMs);
    const qint64 ns = endNs ? endNs : clock.nsecsElapsed();
    r->extra.insert(QStringLiteral("cpu"), cpu.stop());
    const quint64 dropped = worker->dropped();
    QMetaObject::invokeMethod(worker, &ConsumerWorker::stop, Qt::QueuedConnection);
    thread.wait(5000);

    r->seconds = double(ns) / 1e9;
    r->extra.insert(QStringLiteral("rows"), double(rows));
    r->extra.insert(QStringLiteral("dropped"), double(dropped));
    r->extra.insert(QStringLiteral("dropped_during_flood"), double(dropsAtFlood));
    r->extra.insert(QStringLiteral("end_marker_seen"), endNs != 0);
    if (refSeconds > 0) {
        r->extra.insert(QStringLiteral("reference"), QStringLiteral("redis-cli monitor"));
        r->extra.insert(QStringLiteral("reference_rate"), double(o.messages + 1) / refSeconds);
    }
    c.command({"DEL", key});
    if (!errors.isEmpty())
        fail(r, errors.join(QStringLiteral("; ")));
    return errors.isEmpty();
}

} // namespace rqc::bench
