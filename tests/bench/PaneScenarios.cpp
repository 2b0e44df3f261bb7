// panes-30 and filter-flood: the real MainWindow (offscreen), many panes or one flooded pane.
//
// panes-30 opens 30 list panes on one server and, once every consumer listens, counts the
// server's connections from CLIENT LIST grouped by name (rqconsole:<role>), the threads of this
// process grouped by name (/proc/self/task/*/comm), the RSS, and the window's minimum size at
// 1366x768; then scrolls to every pane and counts those shown at a usable width (>= 250 px).
//
// filter-flood pre-fills a list with N messages and opens a pane on it; while the pane drains
// them it types characters into the pane's filter box, one every 150 ms, each posted as a key
// event to the event queue (behind whatever the flood queued). Latency: key event posted -> the
// filter box painted with the new text, and -> the message view painted after the filter
// changed. RSS (VmRSS) is sampled every 50 ms during the drain; after it, the filter is cleared
// and VmRSS read again a second later.
#include "AppOptions.h"
#include "ConsoleSession.h"
#include "Consumer.h"
#include "MainWindow.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "QueuePane.h"
#include "Scenarios.h"

#include <QAbstractScrollArea>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLineEdit>
#include <QScrollArea>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <climits>
#include <cmath>

namespace rqc::bench {

namespace {

double statusMb(const char* field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return -1;
}

double round1(double v) { return std::round(v * 10) / 10; }

QJsonObject threadsByName(int* total)
{
    QJsonObject names;
    *total = 0;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly))
            continue;
        const QString name = QString::fromUtf8(comm.readAll().trimmed());
        names.insert(name, names.value(name).toInt() + 1);
        ++*total;
    }
    return names;
}

// CLIENT LIST grouped by name up to the role: rqconsole:list, rqconsole:publisher, …
QJsonObject connectionsByName(SyncClient& c, int* total)
{
    QJsonObject names;
    *total = 0;
    const QByteArray list = c.command({"CLIENT", "LIST"}).str;
    for (const QByteArray& line : list.split('\n')) {
        const qsizetype at = line.indexOf(" name=");
        if (at < 0)
            continue;
        QByteArray name = line.mid(at + 6, line.indexOf(' ', at + 1) - at - 6);
        if (name == "rqconsole:bench" || name.isEmpty())
            continue; // the bench's own client, or anonymous clients (redis-cli)
        const qsizetype second = name.indexOf(':', name.indexOf(':') + 1);
        if (second > 0)
            name.truncate(second);
        const QString key = QString::fromUtf8(name);
        names.insert(key, names.value(key).toInt() + 1);
        ++*total;
    }
    return names;
}

struct BenchWindow {
    QTemporaryDir dir;
    std::unique_ptr<MainWindow> window;
    QString error;

    explicit BenchWindow(const Options& o)
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
        opts.server = o.settings;
        window = std::make_unique<MainWindow>(opts);
        window->resize(1366, 768);
        window->show();
        if (!waitFor([&] { return window->session()->isReady(); }, nullptr, 10000)) {
            error = QStringLiteral("the window's session never became ready");
            return;
        }
        for (QueuePane* pane : window->panes()) // the first-run pair (queue1, queue2)
            window->closePane(pane);
    }

    QueuePane* openList(const QByteArray& key)
    {
        ConsumerSpec spec;
        spec.mode = Mode::List;
        spec.target = key;
        return window->openPane(spec);
    }
};

// Records when a widget was last painted.
class PaintWatch : public QObject {
public:
    PaintWatch(QWidget* widget, const QElapsedTimer& clock)
        : m_clock(clock)
    {
        widget->installEventFilter(this);
    }
    qint64 lastPaintNs() const { return m_lastPaintNs; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            m_lastPaintNs = m_clock.nsecsElapsed();
        return QObject::eventFilter(watched, event);
    }

private:
    const QElapsedTimer& m_clock;
    qint64 m_lastPaintNs = -1;
};

void setError(Result* r, const QString& e)
{
    r->extra.insert(QStringLiteral("error"), e);
    qWarning("%s: %s", qPrintable(r->name), qPrintable(e));
}

} // namespace

bool runPanes30(const Options& o, Result* r)
{
    constexpr int kPanes = 30;
    r->name = QStringLiteral("panes-30");
    r->messages = kPanes;
    BenchWindow w(o);
    if (!w.error.isEmpty()) {
        setError(r, w.error);
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    QList<QueuePane*> panes;
    for (int i = 1; i <= kPanes; ++i)
        panes << w.openList("bench:pane-" + QByteArray::number(i));
    const bool listening = waitFor(
        [&] {
            return std::all_of(panes.cbegin(), panes.cend(), [](QueuePane* p) {
                return p->consumerState() == ConsumerState::Listening;
            });
        },
        nullptr, 20000);
    r->seconds = double(clock.nsecsElapsed()) / 1e9;
    spin(1500); // consumers lines and the first refresh settle
    SyncClient c(o.settings, QStringLiteral("bench"));
    int connections = 0;
    int threads = 0;
    r->extra.insert(QStringLiteral("connections_by_name"), connectionsByName(c, &connections));
    r->extra.insert(QStringLiteral("connections"), connections);
    r->extra.insert(QStringLiteral("threads_by_name"), threadsByName(&threads));
    r->extra.insert(QStringLiteral("threads"), threads);
    r->extra.insert(QStringLiteral("rss_mb"), round1(statusMb("VmRSS:")));
    const QSize minimum = w.window->minimumSizeHint().expandedTo(w.window->minimumSize());
    r->extra.insert(QStringLiteral("min_width"), minimum.width());
    r->extra.insert(QStringLiteral("min_height"), minimum.height());
    r->extra.insert(QStringLiteral("fits_1366x768"),
                    minimum.width() <= 1366 && minimum.height() <= 768);
    auto* area = w.window->findChild<QScrollArea*>(QStringLiteral("paneArea"));
    int reachable = 0;
    int narrowest = INT_MAX;
    for (QueuePane* p : panes) {
        w.window->showPane(p);
        spin(30);
        if (!area)
            break;
        const QRect inView = QRect(p->mapTo(area->viewport(), QPoint(0, 0)), p->size())
                                 .intersected(area->viewport()->rect());
        narrowest = qMin(narrowest, inView.width());
        if (p->isVisible() && inView.width() >= 250)
            ++reachable;
    }
    r->extra.insert(QStringLiteral("panes_reachable"), reachable);
    r->extra.insert(QStringLiteral("narrowest_shown_px"), narrowest == INT_MAX ? 0 : narrowest);
    if (!listening)
        setError(r, QStringLiteral("not every pane's consumer listened within 20 s"));
    for (int i = 1; i <= kPanes; ++i)
        c.command({"DEL", "bench:pane-" + QByteArray::number(i)});
    return true;
}

bool runFilterFlood(const Options& o, Result* r)
{
    r->name = QStringLiteral("filter-flood");
    r->messages = o.messages;
    const QByteArray key = o.key.isEmpty() ? QByteArray("bench:filter-flood") : o.key;
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
    BenchWindow w(o);
    if (!w.error.isEmpty()) {
        setError(r, w.error);
        return false;
    }
    spin(200);
    const double idleMb = statusMb("VmRSS:");

    QElapsedTimer clock;
    clock.start();
    QueuePane* pane = w.openList(key);
    auto* consumer = pane->findChild<Consumer*>();
    auto* filter = pane->findChild<QLineEdit*>(QStringLiteral("filterEdit"));
    auto* view = pane->findChild<QTableView*>(QStringLiteral("messageView"));
    if (!consumer || !filter || !view) {
        setError(r, QStringLiteral("the pane has no consumer, filter box or message view"));
        return false;
    }
    SeqTracker tracker(o.messages);
    QObject context;
    QObject::connect(consumer, &Consumer::messagesArrived, &context,
                     [&](const MessageList& batch, quint64) {
                         for (const Message& m : batch)
                             tracker.record(m.payload);
                     });
    PaintWatch editPaint(filter, clock);
    PaintWatch viewPaint(view->viewport(), clock);
    StallProbe probe(5);
    probe.start();

    double rssMax = 0;
    QTimer sampler;
    sampler.setInterval(50);
    QObject::connect(&sampler, &QTimer::timeout, &context,
                     [&] { rssMax = qMax(rssMax, statusMb("VmRSS:")); });
    sampler.start();

    // Typed once the drain is under way: narrowing, widening, clearing, and a text that matches
    // every row.
    const QList<std::pair<int, QString>> keys = {
        {Qt::Key_9, QStringLiteral("9")},     {Qt::Key_9, QStringLiteral("9")},
        {Qt::Key_Colon, QStringLiteral(":")}, {Qt::Key_Backspace, QString()},
        {Qt::Key_Backspace, QString()},       {Qt::Key_Backspace, QString()},
        {Qt::Key_X, QStringLiteral("x")},     {Qt::Key_Backspace, QString()},
        {Qt::Key_7, QStringLiteral("7")},     {Qt::Key_Backspace, QString()}};
    waitFor([&] { return tracker.total() >= o.messages / 50; }, [&] { return tracker.total(); },
            o.idleMs);
    std::vector<double> editMs;
    std::vector<double> viewMs;
    std::vector<double> handledMs;
    int duringDrain = 0;
    qint64 changedNs = -1; // the filter box's text changed (the key event was handled)
    QObject::connect(filter, &QLineEdit::textChanged, &context,
                     [&] { changedNs = clock.nsecsElapsed(); });
    for (const auto& [code, text] : keys) {
        if (tracker.total() < o.messages)
            ++duringDrain;
        const qint64 postedNs = clock.nsecsElapsed();
        QCoreApplication::postEvent(filter,
                                    new QKeyEvent(QEvent::KeyPress, code, Qt::NoModifier, text));
        QCoreApplication::postEvent(filter,
                                    new QKeyEvent(QEvent::KeyRelease, code, Qt::NoModifier, text));
        changedNs = -1;
        const bool shown = waitFor(
            [&] {
                return changedNs >= 0 && editPaint.lastPaintNs() >= changedNs &&
                       viewPaint.lastPaintNs() >= changedNs;
            },
            nullptr, 10000);
        if (!shown) {
            setError(r, QStringLiteral("a keystroke was not shown within 10 s"));
            break;
        }
        handledMs.push_back(double(changedNs - postedNs) / 1e6);
        editMs.push_back(double(editPaint.lastPaintNs() - postedNs) / 1e6);
        viewMs.push_back(double(viewPaint.lastPaintNs() - postedNs) / 1e6);
        spin(150);
    }
    const bool complete = waitFor([&] { return tracker.total() >= o.messages; },
                                  [&] { return tracker.total(); }, o.idleMs);
    r->seconds = double(clock.nsecsElapsed()) / 1e9;
    spin(250);
    probe.stop();
    sampler.stop();
    rssMax = qMax(rssMax, statusMb("VmRSS:"));
    filter->clear();
    spin(1000);
    const double afterMb = statusMb("VmRSS:");

    QJsonArray perKey;
    for (double ms : editMs)
        perKey.append(round1(ms));
    QJsonArray perKeyHandled;
    for (double ms : handledMs)
        perKeyHandled.append(round1(ms));
    r->extra.insert(QStringLiteral("key_to_handled_ms"), perKeyHandled);
    r->lost = tracker.lost();
    r->duplicated = tracker.duplicated();
    r->extra.insert(QStringLiteral("keys"), int(editMs.size()));
    r->extra.insert(QStringLiteral("keys_during_drain"), duringDrain);
    r->extra.insert(QStringLiteral("key_to_box_ms"), perKey);
    r->extra.insert(QStringLiteral("max_key_to_box_ms"),
                    round1(editMs.empty() ? -1 : *std::max_element(editMs.begin(), editMs.end())));
    r->extra.insert(QStringLiteral("max_key_to_view_ms"),
                    round1(viewMs.empty() ? -1 : *std::max_element(viewMs.begin(), viewMs.end())));
    r->extra.insert(QStringLiteral("max_stall_ms"), round1(probe.maxStallMs()));
    r->extra.insert(QStringLiteral("rss_idle_mb"), round1(idleMb));
    r->extra.insert(QStringLiteral("rss_during_max_mb"), round1(rssMax));
    r->extra.insert(QStringLiteral("rss_after_mb"), round1(afterMb));
    r->extra.insert(QStringLiteral("peak_rss_mb"), round1(peakRssMb()));
    r->extra.insert(QStringLiteral("rows"), pane->model()->rowCount());
    if (!complete)
        r->extra.insert(QStringLiteral("note"),
                        QStringLiteral("gave up after %1 ms without progress").arg(o.idleMs));
    if (!pane->errorText().isEmpty())
        setError(r, pane->errorText());
    return true;
}

} // namespace rqc::bench
