// rq_soak: the headless driver of scripts/soak.sh. It runs the console's core consumers (list,
// reliable, stream group, stream tail, pub/sub) and publishers against a redis-server of its own,
// which a seeded chaos loop kills and restarts (SIGKILL), pauses (CLIENT PAUSE) and whose
// clients it kills (CLIENT KILL), for a given time. Then it drains, checks the ledgers and prints
// them with its RSS and the reconnect times. Exit status: 0 clean, 1 a check failed, 2 usage or
// set-up error. Not a test (nothing here is registered with ctest): run scripts/soak.sh.
//
// Ledgers count sequence numbers carried in the payloads ("soak:<mode>:<seq>"). A message counts
// as produced only when Redis answered its LPUSH/XADD/PUBLISH (appendfsync always: an answered
// write survives a SIGKILL). Precise modes (reliable, stream) ack by hand, so the driver sees
// every ack's outcome: a message acked twice is a duplicate ack, a produced message never
// delivered is lost.
#include "Consumer.h"
#include "ConsumerSpec.h"
#include "Publisher.h"
#include "RedisReply.h"
#include "SoakSupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QStringList>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <memory>
#include <random>
#include <signal.h>
#include <tuple>
#include <utility>
#include <vector>

using namespace rqc;
using namespace rqc::soak;

namespace {

struct Options {
    int seconds = 600;
    quint32 seed = 1;
    int rate = 200; // messages per second per producer
    quint16 port = 0;
    QString dir;
    QString redisServer = QStringLiteral("redis-server");
};

class Soak : public QObject {
public:
    explicit Soak(const Options& o)
        : m_o(o)
        , m_rng(o.seed)
        , m_admin(o.port)
    {
        m_settings.host = QStringLiteral("127.0.0.1");
        m_settings.port = o.port;
        m_settings.connectTimeoutMs = 2000;
        const size_t capacity = size_t(o.rate) * size_t(o.seconds + 120) * 2 + 10000;
        for (const auto& [name, precise] :
             std::vector<std::pair<QByteArray, bool>>{{"list", false},
                                                      {"reliable", true},
                                                      {"stream", true},
                                                      {"tail", false},
                                                      {"pubsub", false}})
            m_ledgers.push_back(std::make_unique<Ledger>(name, precise, capacity));
    }

    int run()
    {
        say("starting redis-server on 127.0.0.1:%u in %s", unsigned(m_o.port), qPrintable(m_o.dir));
        if (!startRedis())
            return 2;
        m_rssLaunch = rssKb();
        startConsumers();
        startProducers();
        m_clock.start();
        const int warmup = std::min(60, std::max(10, m_o.seconds / 5));
        QTimer::singleShot(warmup * 1000, this, [this] {
            m_rssStart = rssKb();
            say("warm-up over: RSS %lld kB", m_rssStart);
        });
        QTimer rssTimer;
        connect(&rssTimer, &QTimer::timeout, this,
                [this] { m_rssMax = std::max(m_rssMax, rssKb()); });
        rssTimer.start(5000);
        QTimer progress;
        connect(&progress, &QTimer::timeout, this, [this] { printProgress(); });
        progress.start(30000);
        scheduleChaos();
        QTimer::singleShot(m_o.seconds * 1000, this, [this] { beginDrain(); });
        QCoreApplication::exec();
        return finish();
    }

private:
    struct Producer {
        std::unique_ptr<Publisher> publisher;
        PublisherWorker::Command command;
        QByteArray target;
        QList<Ledger*> ledgers; // the stream feeds the group and the tail
        QHash<qint64, quint64> inFlight;
        quint64 next = 1;
    };
    struct Reader {
        std::unique_ptr<Consumer> consumer;
        Ledger* ledger = nullptr;
        QHash<qint64, MessageList> openAcks;
        MessageList retry;
        bool failed = false;
    };

    // --- redis-server ---------------------------------------------------------------------
    bool startRedis()
    {
        m_redis = std::make_unique<QProcess>();
        m_redis->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_redis->setStandardOutputFile(m_o.dir + QStringLiteral("/redis.log"), QIODevice::Append);
        m_redis->start(m_o.redisServer,
                       {QStringLiteral("--port"), QString::number(m_o.port),
                        QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                        QStringLiteral("--dir"), m_o.dir, QStringLiteral("--appendonly"),
                        QStringLiteral("yes"), QStringLiteral("--appendfsync"),
                        QStringLiteral("always"), QStringLiteral("--save"), QString(),
                        QStringLiteral("--pidfile"), m_o.dir + QStringLiteral("/redis.pid"),
                        QStringLiteral("--daemonize"), QStringLiteral("no")});
        if (!m_redis->waitForStarted(5000)) {
            say("cannot start %s", qPrintable(m_o.redisServer));
            return false;
        }
        QElapsedTimer t;
        t.start();
        RedisReply r;
        while (t.elapsed() < 20000) {
            if (m_admin.command({"PING"}, &r, 500) && r.isStatus("PONG"))
                return true;
            QThread::msleep(50);
        }
        say("redis-server on port %u does not answer PING", unsigned(m_o.port));
        return false;
    }
    void killRedis()
    {
        ::kill(pid_t(m_redis->processId()), SIGKILL);
        m_redis->waitForFinished(5000);
        ++m_redisKills;
    }

    // --- consumers and producers ----------------------------------------------------------
    Ledger* ledger(const char* name)
    {
        for (auto& l : m_ledgers)
            if (l->name == name)
                return l.get();
        return nullptr;
    }
    void startConsumers()
    {
        const std::vector<std::pair<QString, const char*>> specs{
            {QStringLiteral("list:soak:list"), "list"},
            {QStringLiteral("reliable:soak:reliable,ack=manual,maxdeliveries=1000000"), "reliable"},
            {QStringLiteral("stream:soak:stream,group=soak,from=0,ack=manual,"
                            "maxdeliveries=1000000"),
             "stream"},
            {QStringLiteral("tail:soak:stream,from=0"), "tail"},
            {QStringLiteral("pubsub:soak:chan"), "pubsub"}};
        for (const auto& [text, name] : specs) {
            ConsumerSpec spec;
            QString error;
            if (!ConsumerSpec::parse(text, &spec, &error))
                qFatal("spec %s: %s", qPrintable(text), qPrintable(error));
            auto r = std::make_unique<Reader>();
            r->ledger = ledger(name);
            r->consumer = std::make_unique<Consumer>(m_settings, spec);
            Reader* rp = r.get();
            Consumer* c = rp->consumer.get();
            connect(c, &Consumer::messagesArrived, this,
                    [this, rp](const MessageList& batch, quint64) { onBatch(rp, batch); });
            connect(c, &Consumer::settled, this,
                    [this, rp](const SettleResult& s) { onSettled(rp, s); });
            connect(c, &Consumer::connectionLost, this,
                    [rp](qint64, const QString&) { ++rp->ledger->gaps; });
            connect(c, &Consumer::connectionRestored, this,
                    [this](qint64 lostAt, qint64 backAt, const QString&) {
                        m_reconnectMs.push_back(double(backAt - lostAt));
                    });
            connect(c, &Consumer::stateChanged, this,
                    [this, rp](ConsumerState st, const QString& detail) {
                        if (st == ConsumerState::Failed && !rp->failed) {
                            rp->failed = true;
                            m_failures << QStringLiteral("%1 consumer failed: %2")
                                              .arg(QString::fromLatin1(rp->ledger->name), detail);
                            say("%s consumer FAILED: %s", rp->ledger->name.constData(),
                                qPrintable(detail));
                        }
                    });
            c->start();
            m_readers.push_back(std::move(r));
        }
        connect(&m_retryTimer, &QTimer::timeout, this, [this] {
            for (auto& r : m_readers) {
                if (!r->retry.isEmpty()) {
                    const MessageList batch = std::exchange(r->retry, {});
                    r->openAcks.insert(r->consumer->ack(batch), batch);
                }
            }
        });
        m_retryTimer.start(1000);
    }

    void onBatch(Reader* r, const MessageList& batch)
    {
        for (const Message& m : batch)
            r->ledger->consume(m.payload);
        if (r->ledger->precise && !batch.isEmpty())
            r->openAcks.insert(r->consumer->ack(batch), batch);
    }

    void onSettled(Reader* r, const SettleResult& s)
    {
        const MessageList batch = r->openAcks.take(s.requestId);
        for (const Message& m : batch) {
            if (s.done.contains(m.seq))
                r->ledger->ack(m.payload);
            else if (s.gone.contains(m.seq))
                r->ledger->goneOnRetry += 1;
            else
                r->retry << m; // the request failed before this one was settled: again
        }
    }

    void startProducers()
    {
        const std::vector<std::tuple<PublisherWorker::Command, QByteArray, QList<Ledger*>>> defs{
            {PublisherWorker::Command::LPush, "soak:list", {ledger("list")}},
            {PublisherWorker::Command::LPush, "soak:reliable", {ledger("reliable")}},
            {PublisherWorker::Command::XAdd, "soak:stream", {ledger("stream"), ledger("tail")}},
            {PublisherWorker::Command::Publish, "soak:chan", {ledger("pubsub")}}};
        for (const auto& [command, target, ledgers] : defs) {
            auto p = std::make_unique<Producer>();
            p->publisher = std::make_unique<Publisher>(m_settings);
            p->command = command;
            p->target = target;
            p->ledgers = ledgers;
            Producer* pp = p.get();
            connect(p->publisher.get(), &Publisher::sent, this,
                    [pp](qint64 id, quint64 count, qint64) {
                        const quint64 seq = pp->inFlight.take(id);
                        for (Ledger* l : pp->ledgers) {
                            if (count == 1 && l->valid(seq)) {
                                l->produced[seq] = 1;
                                ++l->producedCount;
                            } else {
                                ++l->failedSends;
                            }
                        }
                    });
            p->publisher->start();
            m_producers.push_back(std::move(p));
        }
        // rate messages a second per producer, in 10 ms ticks; at most 2000 unanswered sends
        // each (while Redis is down, sending waits instead of queueing without bound).
        connect(&m_produceTimer, &QTimer::timeout, this, [this] {
            m_owed += double(m_o.rate) / 100.0;
            const int n = int(m_owed);
            m_owed -= n;
            for (auto& p : m_producers) {
                for (int i = 0; i < n && p->inFlight.size() < 2000; ++i) {
                    if (!p->ledgers.first()->valid(p->next))
                        break;
                    const quint64 seq = p->next++;
                    const QByteArray payload =
                        "soak:" + p->ledgers.first()->name + ':' + QByteArray::number(seq);
                    p->inFlight.insert(p->publisher->send(p->command, p->target, payload), seq);
                }
            }
        });
        m_produceTimer.start(10);
    }

    // --- chaos ------------------------------------------------------------------------------
    void scheduleChaos()
    {
        if (m_draining)
            return;
        std::uniform_int_distribution<int> wait(4000, 12000);
        QTimer::singleShot(wait(m_rng), this, [this] {
            if (m_draining)
                return;
            chaos();
        });
    }
    void chaos()
    {
        std::uniform_int_distribution<int> pick(0, 99);
        const int p = pick(m_rng);
        RedisReply r;
        if (p < 25) {
            std::uniform_int_distribution<int> down(200, 2500);
            const int ms = down(m_rng);
            say("chaos: SIGKILL redis-server, restart after %d ms", ms);
            killRedis();
            QTimer::singleShot(ms, this, [this] {
                if (!startRedis())
                    m_failures << QStringLiteral("redis-server did not restart");
                scheduleChaos();
            });
            return;
        }
        if (p < 45) {
            std::uniform_int_distribution<int> pause(1000, 4000);
            const int ms = pause(m_rng);
            say("chaos: CLIENT PAUSE %d", ms);
            m_admin.command({"CLIENT", "PAUSE", QByteArray::number(ms)}, &r);
            ++m_pauses;
        } else if (p < 60) {
            m_admin.command({"CLIENT", "KILL", "TYPE", "normal"}, &r);
            say("chaos: CLIENT KILL TYPE normal (%lld killed)", r.integer);
            ++m_clientKills;
        } else if (p < 70) {
            m_admin.command({"CLIENT", "KILL", "TYPE", "pubsub"}, &r);
            say("chaos: CLIENT KILL TYPE pubsub (%lld killed)", r.integer);
            ++m_clientKills;
        } else {
            // One of the console's connections, chosen at random by its name.
            QList<QByteArray> ids, names;
            if (m_admin.command({"CLIENT", "LIST"}, &r)) {
                for (const QByteArray& line : r.str.split('\n')) {
                    QByteArray id, name;
                    for (const QByteArray& kv : line.split(' ')) {
                        if (kv.startsWith("id="))
                            id = kv.mid(3);
                        else if (kv.startsWith("name="))
                            name = kv.mid(5);
                    }
                    if (name.startsWith("rqconsole:")) {
                        ids << id;
                        names << name;
                    }
                }
            }
            if (!ids.isEmpty()) {
                std::uniform_int_distribution<int> which(0, int(ids.size()) - 1);
                const int i = which(m_rng);
                m_admin.command({"CLIENT", "KILL", "ID", ids[i]}, &r);
                say("chaos: CLIENT KILL ID %s (%s)", ids[i].constData(), names[i].constData());
                ++m_clientKills;
            }
        }
        scheduleChaos();
    }

    // --- end ----------------------------------------------------------------------------------
    void printProgress()
    {
        QByteArray line;
        for (auto& l : m_ledgers)
            line += l->name + ' ' + QByteArray::number(l->producedCount) + '/' +
                    QByteArray::number(l->consumedTotal) + "  ";
        say("produced/consumed: %s RSS %lld kB", line.constData(), rssKb());
    }

    bool settledEverywhere() const
    {
        for (auto& p : m_producers)
            if (!p->inFlight.isEmpty())
                return false;
        for (auto& r : m_readers) {
            if (r->ledger->precise &&
                (!r->openAcks.isEmpty() || !r->retry.isEmpty() || r->ledger->lost() > 0))
                return false;
        }
        return true;
    }

    void beginDrain()
    {
        m_draining = true;
        m_produceTimer.stop();
        m_rssEnd = rssKb();
        m_rssMax = std::max(m_rssMax, m_rssEnd);
        say("chaos over after %lld s: RSS %lld kB; draining", m_clock.elapsed() / 1000, m_rssEnd);
        // Redis may be down (restart pending): that timer restarts it. Wait for every send's
        // answer and every precise message to be delivered and acked, at most 120 s.
        auto* poll = new QTimer(this);
        QElapsedTimer* since = new QElapsedTimer;
        since->start();
        connect(poll, &QTimer::timeout, this, [this, poll, since] {
            if ((settledEverywhere() && since->elapsed() > 3000) || since->elapsed() > 120000) {
                poll->stop();
                m_drainMs = since->elapsed();
                delete since;
                QCoreApplication::quit();
            }
        });
        poll->start(200);
    }

    int finish()
    {
        for (auto& r : m_readers)
            r->consumer->stopAndWait(5000);
        for (auto& p : m_producers)
            p->publisher->stopAndWait(5000);
        // What is left on the server: precise modes must hold nothing pending.
        RedisReply r;
        qint64 relLeft = -1, streamPending = -1;
        if (m_admin.command({"KEYS", "soak:reliable*"}, &r)) {
            relLeft = 0;
            for (const RedisReply& k : r.elements) {
                RedisReply type, len;
                if (m_admin.command({"TYPE", k.str}, &type) && type.str == "list" &&
                    m_admin.command({"LLEN", k.str}, &len))
                    relLeft += len.integer;
            }
        }
        if (m_admin.command({"XPENDING", "soak:stream", "soak"}, &r) && r.isArray() &&
            !r.elements.isEmpty())
            streamPending = r.elements[0].integer;
        killRedis();

        std::printf("\n==== soak: %d s of chaos (seed %u, %d msg/s per producer), drain %.1f s\n",
                    m_o.seconds, m_o.seed, m_o.rate, double(m_drainMs) / 1000.0);
        std::printf("chaos: %d redis SIGKILL+restart, %d CLIENT PAUSE, %d CLIENT KILL\n",
                    m_redisKills - 1, m_pauses, m_clientKills);
        const double growth = m_rssStart > 0 ? double(m_rssEnd) / double(m_rssStart) - 1 : 0;
        std::printf("RSS: %lld kB at launch, %lld kB after warm-up (start), %lld kB at end of "
                    "chaos (end, %+.1f %%), max %lld kB\n",
                    m_rssLaunch, m_rssStart, m_rssEnd, growth * 100, m_rssMax);
        std::sort(m_reconnectMs.begin(), m_reconnectMs.end());
        if (m_reconnectMs.empty()) {
            std::printf("reconnects: none\n");
        } else {
            std::printf("reconnects: %zu, gap ms min %.0f / median %.0f / max %.0f\n",
                        m_reconnectMs.size(), m_reconnectMs.front(),
                        m_reconnectMs[m_reconnectMs.size() / 2], m_reconnectMs.back());
        }
        std::printf("%-9s %9s %9s %9s %9s %9s %9s %9s %9s %6s\n", "mode", "produced", "consumed",
                    "unique", "dup.deliv", "acked", "dup.acks", "lost", "unacked", "gaps");
        bool ok = m_failures.isEmpty();
        for (auto& l : m_ledgers) {
            const quint64 unique = l->uniqueConsumed();
            std::printf("%-9s %9llu %9llu %9llu %9llu %9s %9s %9llu %9s %6llu\n",
                        l->name.constData(), qulonglong(l->producedCount),
                        qulonglong(l->consumedTotal), qulonglong(unique),
                        qulonglong(l->dupDelivered),
                        l->precise ? QByteArray::number(l->ackedUnique).constData() : "-",
                        l->precise ? QByteArray::number(l->dupAcks).constData() : "-",
                        qulonglong(l->lost()),
                        l->precise ? QByteArray::number(l->unacked()).constData() : "-",
                        qulonglong(l->gaps));
            if (l->foreign)
                m_failures << QStringLiteral("%1: %2 payloads not ours")
                                  .arg(QString::fromLatin1(l->name))
                                  .arg(l->foreign);
            if (l->precise && l->lost() > 0)
                m_failures << QStringLiteral("%1: %2 produced messages never delivered")
                                  .arg(QString::fromLatin1(l->name))
                                  .arg(l->lost());
            if (l->precise && l->dupAcks > 0)
                m_failures << QStringLiteral("%1: %2 duplicate acks")
                                  .arg(QString::fromLatin1(l->name))
                                  .arg(l->dupAcks);
        }
        std::printf("precise modes: acks whose reply was lost and that a retry found already "
                    "settled: reliable %llu, stream %llu\n",
                    qulonglong(ledger("reliable")->goneOnRetry),
                    qulonglong(ledger("stream")->goneOnRetry));
        std::printf("left on the server: reliable lists %lld, stream group pending %lld\n", relLeft,
                    streamPending);
        if (relLeft != 0)
            m_failures << QStringLiteral("reliable: %1 messages left in lists").arg(relLeft);
        if (streamPending != 0)
            m_failures << QStringLiteral("stream: %1 entries left pending").arg(streamPending);
        if (m_rssStart <= 0)
            m_failures << QStringLiteral("no RSS after warm-up (run too short)");
        else if (growth > 0.20)
            m_failures << QStringLiteral("RSS grew %1 % (limit 20 %)").arg(growth * 100, 0, 'f', 1);
        ok = m_failures.isEmpty();
        for (const QString& f : m_failures)
            std::printf("FAIL: %s\n", qPrintable(f));
        std::printf("soak: %s\n", ok ? "PASS" : "FAIL");
        std::fflush(stdout);
        return ok ? 0 : 1;
    }

    Options m_o;
    std::mt19937 m_rng;
    Admin m_admin;
    ConnectionSettings m_settings;
    std::unique_ptr<QProcess> m_redis;
    std::vector<std::unique_ptr<Ledger>> m_ledgers;
    std::vector<std::unique_ptr<Producer>> m_producers;
    std::vector<std::unique_ptr<Reader>> m_readers;
    QTimer m_produceTimer, m_retryTimer;
    double m_owed = 0;
    QElapsedTimer m_clock;
    bool m_draining = false;
    qint64 m_rssLaunch = 0, m_rssStart = 0, m_rssEnd = 0, m_rssMax = 0, m_drainMs = 0;
    int m_redisKills = 0, m_pauses = 0, m_clientKills = 0;
    std::vector<double> m_reconnectMs;
    QStringList m_failures;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    Options o;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        const QString& k = args[i];
        const QString& v = args[i + 1];
        if (k == QLatin1String("--seconds"))
            o.seconds = v.toInt();
        else if (k == QLatin1String("--seed"))
            o.seed = v.toUInt();
        else if (k == QLatin1String("--rate"))
            o.rate = v.toInt();
        else if (k == QLatin1String("--port"))
            o.port = quint16(v.toUInt());
        else if (k == QLatin1String("--dir"))
            o.dir = v;
        else if (k == QLatin1String("--redis-server"))
            o.redisServer = v;
        else {
            std::fprintf(stderr, "rq_soak: unknown option %s\n", qPrintable(k));
            return 2;
        }
    }
    if (o.port == 0 || o.dir.isEmpty() || o.seconds < 10 || o.rate < 1) {
        std::fprintf(stderr, "usage: rq_soak --port P --dir D [--seconds N>=10] [--seed S] "
                             "[--rate MSG_PER_S] [--redis-server PATH]\n");
        return 2;
    }
    Consumer::registerMetaTypes();
    Soak soak(o);
    return soak.run();
}
