// window-flood and latency: the real MainWindow (offscreen), with one list pane.
//
// window-flood pre-fills the list with N messages, then opens the pane: the pane's consumer drains
// them as fast as it can while the window shows them (default 100 000-row cap). Measured: the
// rate (pane opened -> the N-th message handed to the GUI thread), the longest GUI event-loop
// stall (a 5 ms timer measuring its own lateness), and the peak RSS (VmHWM). Counts come from the
// pane's own Consumer (found as its child), connected after the pane's own slot, so a message is
// counted after the pane has appended it to its model.
//
// peek-10m fills a list with N (10 million) short elements, then opens a peek pane on it in the
// window: the time from opening the pane to its first rows (head and tail of the full list), and
// the RSS over the idle console (VmRSS after the window settled, against the peak VmHWM after
// the peek showed the head, the tail and a page in the middle and polled for a second). The list
// must be unchanged afterwards (LLEN): an element taken counts as lost.
//
// latency publishes one message at a time (the product's Publisher, LPUSH, one send() per
// message) at 1 000 msgs/s and measures publish -> row in the pane's MessageModel (rowsInserted).
#include "AppOptions.h"
#include "ConsoleSession.h"
#include "Consumer.h"
#include "MainWindow.h"
#include "MessageModel.h"
#include "PeekModel.h"
#include "PeekView.h"
#include "Publisher.h"
#include "QueuePane.h"
#include "Scenarios.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

namespace rqc::bench {

namespace {

void setError(Result* r, const QString& e)
{
    r->extra.insert(QStringLiteral("error"), e);
    qWarning("%s: %s", qPrintable(r->name), qPrintable(e));
}

// A window on the bench server with a throw-away settings file, and no pane but the one asked.
struct Window {
    QTemporaryDir dir;
    std::unique_ptr<MainWindow> window;
    QString error;

    explicit Window(const Options& o)
    {
        AppOptions opts;
        QString message;
        const QStringList args = {QStringLiteral("rqc-bench"), QStringLiteral("--url"),
                                  o.settings.displayUrl(), QStringLiteral("--settings"),
                                  dir.filePath(QStringLiteral("rqconsole.ini"))};
        if (AppOptions::parse(args, &opts, &message) != AppOptions::Result::Run) {
            error = message;
            return;
        }
        opts.server = o.settings; // with the password, if any
        window = std::make_unique<MainWindow>(opts);
        window->resize(1280, 800);
        window->show();
        if (!waitFor([&] { return window->session()->isReady(); }, nullptr, 10000)) {
            error = QStringLiteral("the window's session never became ready");
            return;
        }
        for (QueuePane* pane : window->panes()) // the first-run pair (queue1, queue2)
            window->closePane(pane);
    }

    QueuePane* open(const Options& o, const QByteArray& key, Result* r,
                    const QString& mode = QStringLiteral("list"))
    {
        ConsumerSpec spec;
        QString e;
        QString text = mode + QLatin1Char(':') + QString::fromUtf8(key);
        for (const QString& extra : o.specOptions)
            text += QLatin1Char(',') + extra;
        if (!ConsumerSpec::parse(text, &spec, &e)) {
            setError(r, e);
            return nullptr;
        }
        QueuePane* pane = window->openPane(spec);
        if (!pane)
            setError(r, QStringLiteral("openPane returned no pane"));
        return pane;
    }
};

} // namespace

bool runWindowFlood(const Options& o, Result* r)
{
    r->name = QStringLiteral("window-flood");
    r->messages = o.messages;
    const QByteArray key = o.key.isEmpty() ? QByteArray("bench:window-flood") : o.key;
    {
        SyncClient c(o.settings);
        if (!c.isConnected()) {
            setError(r, c.error());
            return false;
        }
        c.command({"DEL", key});
        if (!fillList(c, key, o.messages, o.size)) {
            setError(r, c.error());
            return false;
        }
    }
    Window w(o);
    if (!w.error.isEmpty()) {
        setError(r, w.error);
        return false;
    }
    spin(200); // let the window settle: first layout and paint are not the flood

    SeqTracker tracker(o.messages);
    StallProbe probe(5);
    QElapsedTimer clock;
    qint64 endNs = 0;
    quint64 batches = 0;
    QObject context;
    CpuMeter cpu(o.settings);
    cpu.start();
    clock.start();
    QueuePane* pane = w.open(o, key, r);
    if (!pane)
        return false;
    probe.start();
    // Connected before control returns to the event loop, so no batch is missed.
    auto* consumer = pane->findChild<Consumer*>();
    if (!consumer) {
        setError(r, QStringLiteral("the pane has no Consumer child"));
        return false;
    }
    QObject::connect(consumer, &Consumer::messagesArrived, &context,
                     [&](const MessageList& batch, quint64) {
                         ++batches;
                         for (const Message& m : batch)
                             tracker.record(m.payload);
                         if (!endNs && tracker.total() >= o.messages)
                             endNs = clock.nsecsElapsed();
                     });
    const bool complete = waitFor([&] { return tracker.total() >= o.messages; },
                                  [&] { return tracker.total(); }, o.idleMs);
    if (!endNs)
        endNs = clock.nsecsElapsed();
    r->extra.insert(QStringLiteral("cpu"), cpu.stop());
    spin(250); // what the flood left behind (relayout, repaint) still counts as a stall
    probe.stop();

    r->seconds = double(endNs) / 1e9;
    r->lost = tracker.lost();
    r->duplicated = tracker.duplicated();
    r->extra.insert(QStringLiteral("max_stall_ms"), std::round(probe.maxStallMs() * 10) / 10);
    r->extra.insert(QStringLiteral("peak_rss_mb"), std::round(peakRssMb() * 10) / 10);
    r->extra.insert(QStringLiteral("max_stall_gui_cpu_ms"),
                    std::round(probe.maxStallCpuMs() * 10) / 10);
    r->extra.insert(QStringLiteral("batches"), double(batches));
    r->extra.insert(QStringLiteral("probe_ticks"), double(probe.ticks()));
    r->extra.insert(QStringLiteral("rows"), pane->model()->rowCount());
    r->extra.insert(QStringLiteral("row_cap"), pane->model()->capacity());
    r->extra.insert(QStringLiteral("pane_received"), double(pane->receivedTotal()));
    if (!complete)
        r->extra.insert(QStringLiteral("note"),
                        QStringLiteral("gave up after %1 ms without progress").arg(o.idleMs));
    if (!pane->errorText().isEmpty())
        setError(r, pane->errorText());
    return true;
}

namespace {
double rssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return -1;
}
} // namespace

bool runPeek10m(const Options& o, Result* r)
{
    r->name = QStringLiteral("peek-10m");
    r->messages = o.messages;
    const QByteArray key = o.key.isEmpty() ? QByteArray("bench:peek") : o.key;
    constexpr quint64 kPerCommand = 1000;
    {
        SyncClient c(o.settings);
        if (!c.isConnected()) {
            setError(r, c.error());
            return false;
        }
        c.command({"DEL", key});
        // Short decimal elements, 1 000 per RPUSH: the server holds ~100 MB, not gigabytes.
        const quint64 commands = (o.messages + kPerCommand - 1) / kPerCommand;
        const bool filled = c.pipeline(
            commands,
            [&](quint64 i, QByteArray& out) {
                QList<QByteArray> argv{"RPUSH", key};
                for (quint64 j = i * kPerCommand; j < qMin(o.messages, (i + 1) * kPerCommand); ++j)
                    argv << QByteArray::number(j);
                appendCommand(out, argv);
            },
            64, 4);
        if (!filled) {
            setError(r, c.error());
            return false;
        }
    }
    Window w(o);
    if (!w.error.isEmpty()) {
        setError(r, w.error);
        return false;
    }
    spin(500); // let the window settle: the idle console's own footprint
    const double idleMb = rssMb();

    QElapsedTimer clock;
    clock.start();
    QueuePane* pane = w.open(o, key, r, QStringLiteral("peek"));
    if (!pane)
        return false;
    PeekView* view = pane->peekView();
    const qint64 n = qint64(o.messages);
    const bool shown = waitFor(
        [&] { return view->model()->rowCount() > 0 && view->model()->snapshot().length == n; },
        nullptr, 10000);
    const qint64 firstRowsNs = clock.nsecsElapsed();
    if (!shown) {
        setError(r, QStringLiteral("no rows within 10 s"));
        return false;
    }
    const int window = view->model()->snapshot().window;
    view->reader()->showPage(n / 2);
    const bool paged =
        waitFor([&] { return view->model()->snapshot().pageStart == n / 2; }, nullptr, 10000);
    spin(1000); // polling 4 times a second meanwhile
    const double afterMb = rssMb();
    const double peakMb = peakRssMb();

    r->seconds = double(firstRowsNs) / 1e9;
    r->extra.insert(QStringLiteral("first_rows_ms"), std::round(double(firstRowsNs) / 1e5) / 10);
    r->extra.insert(QStringLiteral("rss_idle_mb"), std::round(idleMb * 10) / 10);
    r->extra.insert(QStringLiteral("rss_mb"), std::round(afterMb * 10) / 10);
    r->extra.insert(QStringLiteral("peak_rss_mb"), std::round(peakMb * 10) / 10);
    r->extra.insert(QStringLiteral("rss_over_idle_mb"), std::round((peakMb - idleMb) * 10) / 10);
    r->extra.insert(QStringLiteral("rows_held"), view->model()->snapshot().heldRows());
    r->extra.insert(QStringLiteral("window"), window);
    if (!paged)
        r->extra.insert(QStringLiteral("note"), QStringLiteral("the middle page never came"));
    SyncClient c(o.settings);
    const qint64 left = c.command({"LLEN", key}).integer;
    r->lost = left < n ? quint64(n - left) : 0;
    c.command({"DEL", key});
    if (!pane->errorText().isEmpty())
        setError(r, pane->errorText());
    return true;
}

bool runLatency(const Options& o, Result* r)
{
    r->name = QStringLiteral("latency");
    const quint64 total = quint64(qMax(1, o.latencyMessages));
    const int rate = qMax(1, o.latencyRate);
    r->messages = total;
    const QByteArray key = o.key.isEmpty() ? QByteArray("bench:latency") : o.key;
    {
        SyncClient c(o.settings);
        c.command({"DEL", key});
    }
    Window w(o);
    if (!w.error.isEmpty()) {
        setError(r, w.error);
        return false;
    }
    QueuePane* pane = w.open(o, key, r);
    if (!pane)
        return false;
    if (!waitFor([&] { return pane->consumerState() == ConsumerState::Listening; }, nullptr,
                 10000)) {
        setError(r, QStringLiteral("the pane's consumer never listened"));
        return false;
    }

    QObject context;
    Publisher publisher(o.settings);
    bool ready = false;
    QStringList errors;
    QObject::connect(&publisher, &Publisher::ready, &context, [&] { ready = true; });
    QObject::connect(&publisher, &Publisher::errorOccurred, &context,
                     [&](const QString& e) { errors << e; });
    publisher.start();
    if (!waitFor([&] { return ready; }, nullptr, 10000)) {
        setError(r, QStringLiteral("publisher never ready"));
        return false;
    }
    spin(200);

    QElapsedTimer clock;
    std::vector<qint64> sentNs(size_t(total) + 1, 0);
    std::vector<double> latencies;
    latencies.reserve(size_t(total));
    SeqTracker tracker(total);
    qint64 firstNs = -1;
    qint64 lastNs = 0;
    MessageModel* model = pane->model();
    QObject::connect(model, &QAbstractItemModel::rowsInserted, &context,
                     [&](const QModelIndex&, int first, int last) {
                         const qint64 now = clock.nsecsElapsed();
                         for (int row = first; row <= last; ++row) {
                             const QByteArray& p = model->messageAt(row).payload;
                             tracker.record(p);
                             quint64 seq = 0;
                             if (parseSeq(p.constData(), p.size(), &seq) && seq >= 1 &&
                                 seq <= total && sentNs[size_t(seq)] > 0)
                                 latencies.push_back(double(now - sentNs[size_t(seq)]) / 1e6);
                         }
                         lastNs = now;
                     });

    // One send() per message on a schedule of `rate` per second; the timer only wakes us up.
    quint64 sentCount = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, &context, [&] {
        const qint64 now = clock.nsecsElapsed();
        while (sentCount < total && now >= qint64(double(sentCount) * 1e9 / rate)) {
            ++sentCount;
            sentNs[size_t(sentCount)] = clock.nsecsElapsed();
            if (firstNs < 0)
                firstNs = sentNs[size_t(sentCount)];
            publisher.send(PublisherWorker::Command::LPush, key, makePayload(sentCount, o.size), 1);
        }
        if (sentCount >= total)
            ticker.stop();
    });
    clock.start();
    ticker.start();
    const bool complete = waitFor([&] { return tracker.total() >= total; },
                                  [&] { return tracker.total() + sentCount; }, o.idleMs);
    ticker.stop();
    spin(100);
    publisher.stopAndWait(3000);

    r->seconds = lastNs > firstNs ? double(lastNs - firstNs) / 1e9 : 0;
    r->lost = tracker.lost();
    r->duplicated = tracker.duplicated();
    r->extra.insert(QStringLiteral("offered_rate"), rate);
    r->extra.insert(QStringLiteral("measured_to"),
                    QStringLiteral("rowsInserted of the pane's MessageModel"));
    r->extra.insert(QStringLiteral("p50_ms"), std::round(percentile(latencies, 50) * 100) / 100);
    r->extra.insert(QStringLiteral("p99_ms"), std::round(percentile(latencies, 99) * 100) / 100);
    r->extra.insert(QStringLiteral("max_ms"), std::round(percentile(latencies, 100) * 100) / 100);
    if (!complete)
        r->extra.insert(QStringLiteral("note"),
                        QStringLiteral("gave up after %1 ms without progress").arg(o.idleMs));
    if (!errors.isEmpty())
        setError(r, errors.join(QStringLiteral("; ")));
    return true;
}

} // namespace rqc::bench
