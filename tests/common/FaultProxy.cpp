#include "FaultProxy.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <deque>
#include <list>

#include <sys/socket.h>

namespace rqc::test {

namespace {
// What a socket may hold unread in Qt's buffer: beyond it the kernel's buffers fill, and the
// sender sees back-pressure as it would on a slow or silent network.
constexpr qint64 kReadBuffer = 64 * 1024;

void resetSocket(QTcpSocket* s)
{
    // Linger 0 then close: the kernel sends RST instead of FIN.
    const qintptr fd = s->socketDescriptor();
    if (fd >= 0) {
        struct linger lg {
            1, 0
        };
        ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    s->abort();
}
} // namespace

// Lives on the proxy's thread; every member is touched only there.
class FaultProxyWorker : public QObject {
public:
    explicit FaultProxyWorker(FaultProxy* owner)
        : m_owner(owner)
        , m_timer(this)
    {
        m_clock.start();
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] { pumpAll(); });
    }
    ~FaultProxyWorker() override
    {
        for (Link& l : m_links) {
            l.client->disconnect(this);
            l.server->disconnect(this);
        }
    }

    quint16 listen()
    {
        m_server = new QTcpServer(this);
        connect(m_server, &QTcpServer::newConnection, this, [this] { onNewConnection(); });
        if (!m_server->listen(QHostAddress::LocalHost, 0))
            return 0;
        return m_server->serverPort();
    }

    int latencyMs = 0;
    qint64 bandwidth = 0;
    qint64 cutRemaining = -1;
    bool silent = false;

    void resetAll()
    {
        for (Link& l : m_links) {
            if (l.dead)
                continue;
            detach(l);
            resetSocket(l.client);
            resetSocket(l.server);
            ++m_owner->m_faulted;
        }
        sweep();
    }
    void kick()
    {
        for (Link& l : m_links) {
            readSide(l, l.client, l.up);
            readSide(l, l.server, l.down);
        }
        pumpAll();
    }

private:
    struct Chunk {
        qint64 releaseAtMs = 0;
        QByteArray bytes;
    };
    struct Direction {
        std::deque<Chunk> queue;
        double tokens = 0;
        qint64 tokensAtMs = 0;
        bool sourceClosed = false;
    };
    struct Link {
        QTcpSocket* client = nullptr;
        QTcpSocket* server = nullptr;
        Direction up;   // client → server
        Direction down; // server → client
        bool dead = false;
    };

    void onNewConnection()
    {
        while (QTcpSocket* client = m_server->nextPendingConnection()) {
            ++m_owner->m_accepted;
            ++m_owner->m_open;
            m_links.emplace_back();
            Link& l = m_links.back();
            l.client = client;
            l.server = new QTcpSocket(this);
            client->setParent(this);
            client->setReadBufferSize(kReadBuffer);
            l.server->setReadBufferSize(kReadBuffer);
            Link* link = &l;
            connect(client, &QTcpSocket::readyRead, this, [this, link] {
                readSide(*link, link->client, link->up);
                pumpAll();
            });
            connect(l.server, &QTcpSocket::readyRead, this, [this, link] {
                readSide(*link, link->server, link->down);
                pumpAll();
            });
            connect(l.server, &QTcpSocket::connected, this, [this] { pumpAll(); });
            connect(client, &QTcpSocket::disconnected, this, [this, link] {
                link->up.sourceClosed = true;
                pumpAll();
            });
            connect(l.server, &QTcpSocket::disconnected, this, [this, link] {
                link->down.sourceClosed = true;
                pumpAll();
            });
            connect(l.server, &QTcpSocket::errorOccurred, this, [this, link] {
                link->down.sourceClosed = true;
                pumpAll();
            });
            l.server->connectToHost(m_owner->m_targetHost, m_owner->m_targetPort);
        }
    }

    void readSide(Link& l, QTcpSocket* from, Direction& d)
    {
        if (silent || l.dead)
            return;
        while (from->bytesAvailable() > 0) {
            QByteArray bytes = from->read(16 * 1024);
            if (bytes.isEmpty())
                break;
            d.queue.push_back(Chunk{m_clock.elapsed() + latencyMs, std::move(bytes)});
        }
    }

    // Writes what is due; returns the ms until something more is due (-1: nothing waits).
    qint64 pump(Link& l, Direction& d, QTcpSocket* to, bool toClient)
    {
        if (silent || l.dead)
            return -1;
        if (to->state() != QAbstractSocket::ConnectedState)
            return d.queue.empty() ? -1 : 5;
        const qint64 now = m_clock.elapsed();
        if (bandwidth > 0) {
            d.tokens = std::min<double>(double(bandwidth) / 20 + 1,
                                        d.tokens + double(now - d.tokensAtMs) * bandwidth / 1000);
            d.tokensAtMs = now;
        }
        while (!d.queue.empty()) {
            Chunk& c = d.queue.front();
            if (c.releaseAtMs > now)
                return c.releaseAtMs - now;
            qint64 n = c.bytes.size();
            if (bandwidth > 0) {
                n = std::min<qint64>(n, qint64(d.tokens));
                if (n <= 0)
                    return 5;
                d.tokens -= double(n);
            }
            bool cut = false;
            if (toClient && cutRemaining >= 0 && n >= cutRemaining) {
                n = cutRemaining;
                cut = true;
            }
            to->write(c.bytes.constData(), n);
            if (toClient) {
                m_owner->m_toClients += n;
                if (cutRemaining >= 0)
                    cutRemaining -= n;
            }
            c.bytes.remove(0, n);
            if (c.bytes.isEmpty())
                d.queue.pop_front();
            if (cut) {
                cutRemaining = -1;
                ++m_owner->m_faulted;
                detach(l);
                l.client->flush();
                l.client->disconnectFromHost(); // FIN, after what was written
                l.server->abort();
                return -1;
            }
        }
        return -1;
    }

    void pumpAll()
    {
        if (m_pumping) {
            m_again = true; // a socket's signal while we write: the outer pass goes round again
            return;
        }
        m_pumping = true;
        qint64 next = -1;
        do {
            m_again = false;
            next = -1;
            for (Link& l : m_links) {
                for (qint64 t : {pump(l, l.up, l.server, false), pump(l, l.down, l.client, true)}) {
                    if (t >= 0 && (next < 0 || t < next))
                        next = t;
                }
                // A side that closed: once its bytes are through, close the other side too.
                if (!l.dead && !silent &&
                    ((l.up.sourceClosed && l.up.queue.empty()) ||
                     (l.down.sourceClosed && l.down.queue.empty()))) {
                    detach(l);
                    l.client->disconnectFromHost();
                    l.server->disconnectFromHost();
                }
            }
        } while (m_again);
        m_pumping = false;
        sweep();
        if (next >= 0)
            m_timer.start(int(std::max<qint64>(1, next)));
    }

    // Marks a link dead and stops listening to its sockets first: closing one may emit its
    // signals at once, and nothing may run on a link while it is being closed.
    void detach(Link& l)
    {
        l.dead = true;
        l.client->disconnect(this);
        l.server->disconnect(this);
    }

    void sweep()
    {
        for (auto it = m_links.begin(); it != m_links.end();) {
            if (!it->dead) {
                ++it;
                continue;
            }
            it->client->disconnect(this);
            it->server->disconnect(this);
            it->client->deleteLater();
            it->server->deleteLater();
            --m_owner->m_open;
            it = m_links.erase(it);
        }
    }

    FaultProxy* m_owner;
    QTcpServer* m_server = nullptr;
    std::list<Link> m_links; // stable addresses: lambdas hold Link*
    QElapsedTimer m_clock;
    QTimer m_timer;
    bool m_pumping = false;
    bool m_again = false;
};

FaultProxy::FaultProxy(const QString& targetHost, quint16 targetPort)
    : m_targetHost(targetHost)
    , m_targetPort(targetPort)
{
}

FaultProxy::~FaultProxy()
{
    if (!m_thread)
        return;
    // The worker (and its sockets) is deleted on its own thread as the thread finishes.
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

void FaultProxy::call(const std::function<void(FaultProxyWorker*)>& fn)
{
    FaultProxyWorker* w = m_worker;
    QMetaObject::invokeMethod(
        w, [w, &fn] { fn(w); }, Qt::BlockingQueuedConnection);
}

bool FaultProxy::start()
{
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("fault-proxy"));
    m_worker = new FaultProxyWorker(this);
    m_worker->moveToThread(m_thread);
    QObject::connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    call([this](FaultProxyWorker* w) { m_port = w->listen(); });
    return m_port != 0;
}

ConnectionSettings FaultProxy::settings(const QString& query) const
{
    QString url = QStringLiteral("redis://127.0.0.1:%1").arg(m_port);
    if (!query.isEmpty())
        url += QLatin1Char('?') + query;
    return ConnectionSettings::fromUrl(url);
}

void FaultProxy::setLatency(int ms)
{
    call([ms](FaultProxyWorker* w) { w->latencyMs = ms; });
}

void FaultProxy::setBandwidth(qint64 bytesPerSecond)
{
    call([bytesPerSecond](FaultProxyWorker* w) {
        w->bandwidth = bytesPerSecond;
        w->kick();
    });
}

void FaultProxy::cutAfter(qint64 bytes)
{
    call([bytes](FaultProxyWorker* w) { w->cutRemaining = bytes; });
}

void FaultProxy::resetAll()
{
    call([](FaultProxyWorker* w) { w->resetAll(); });
}

void FaultProxy::setSilent(bool silent)
{
    call([silent](FaultProxyWorker* w) {
        w->silent = silent;
        if (!silent)
            w->kick();
    });
}

} // namespace rqc::test
