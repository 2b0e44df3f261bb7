#include "RedisConnection.h"

#include "TlsErrorText.h"

#include <QCoreApplication>
#include <QFile>
#include <QLocalSocket>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>

#include <exception>

namespace rqc {

namespace {

QByteArray sanitizeName(const QString& text)
{
    // CLIENT SETNAME refuses spaces and newlines.
    QByteArray name = text.toUtf8();
    for (char& c : name) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            c = '_';
    }
    return name;
}

// How long the server may hold a command's reply back on purpose: a blocking command's timeout
// in ms, -1 when it blocks for ever, 0 for a command that does not block.
qint64 blockingAllowanceMs(const QList<QByteArray>& argv)
{
    if (argv.isEmpty())
        return 0;
    const auto seconds = [](const QByteArray& text) -> qint64 {
        bool ok = false;
        const double v = text.toDouble(&ok);
        return !ok ? 0 : v <= 0 ? -1 : qint64(v * 1000);
    };
    const auto millis = [](const QByteArray& text) -> qint64 {
        bool ok = false;
        const qint64 v = text.toLongLong(&ok);
        return !ok ? 0 : v <= 0 ? -1 : v;
    };
    const QByteArray cmd = argv[0].toUpper();
    if (cmd == "BRPOP" || cmd == "BLPOP" || cmd == "BLMOVE" || cmd == "BRPOPLPUSH" ||
        cmd == "BZPOPMIN" || cmd == "BZPOPMAX")
        return argv.size() > 1 ? seconds(argv.last()) : 0;
    if (cmd == "BLMPOP" || cmd == "BZMPOP")
        return argv.size() > 1 ? seconds(argv[1]) : 0;
    if (cmd == "WAIT")
        return argv.size() > 2 ? millis(argv[2]) : 0;
    if (cmd == "XREAD" || cmd == "XREADGROUP") {
        // XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS …; XREAD [COUNT n] [BLOCK ms] …
        qsizetype i = cmd == "XREAD" ? 1 : 4;
        while (i < argv.size()) {
            const QByteArray opt = argv[i].toUpper();
            if (opt == "BLOCK")
                return i + 1 < argv.size() ? millis(argv[i + 1]) : 0;
            if (opt == "COUNT")
                i += 2;
            else if (opt == "NOACK")
                i += 1;
            else
                break; // STREAMS
        }
    }
    return 0;
}

bool isSubscribeCommand(const QByteArray& name)
{
    const QByteArray cmd = name.toUpper();
    return cmd == "SUBSCRIBE" || cmd == "PSUBSCRIBE" || cmd == "SSUBSCRIBE";
}
} // namespace

RedisConnection::RedisConnection(const ConnectionSettings& settings, const QString& role,
                                 const QString& name, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_clientName("rqconsole:" + sanitizeName(role))
    , m_connectTimer(this)
    , m_healthTimer(this)
{
    m_clock.start();
    connect(&m_healthTimer, &QTimer::timeout, this, &RedisConnection::checkHealth);
    if (!name.isEmpty())
        m_clientName += ':' + sanitizeName(name);
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, &RedisConnection::onConnectTimeout);
}

RedisConnection::~RedisConnection() { close(); }

int RedisConnection::pendingReplies() const
{
    int n = 0;
    for (const Pending& p : m_pending)
        n += p.probe ? 0 : p.expected - int(p.replies.size());
    return n + heldReplies();
}

void RedisConnection::open()
{
    if (openThroughSentinels()) // a Sentinel set-up: the master is found first, then open() again
        return;
    close();
    ++m_generation;
    prepareAsk();
    m_state = State::Connecting;
    m_reader = new RespReader;
    m_reader->setMaxReplyBytes(m_settings.maxReplyBytes);
    m_lastError.clear();
    m_refusedByServer = false;
    m_pushMode = false;
    m_pushProbes = 0;
    m_readPaused = false;
    m_certificateRejected = false;
    m_connectTimer.start(m_settings.connectTimeoutMs);

    switch (m_settings.transport) {
    case ConnectionSettings::Transport::Unix: {
        auto* sock = new QLocalSocket(this);
        m_device = sock;
        sock->setReadBufferSize(m_readBufferSize);
        connect(sock, &QLocalSocket::connected, this, &RedisConnection::onConnected);
        connect(sock, &QLocalSocket::readyRead, this, &RedisConnection::onReadyRead);
        connect(
            sock, &QLocalSocket::errorOccurred, this,
            [this, sock](QLocalSocket::LocalSocketError) { onSocketError(sock->errorString()); });
        connect(sock, &QLocalSocket::disconnected, this, &RedisConnection::onSocketClosed);
        sock->connectToServer(m_settings.socketPath);
        break;
    }
    case ConnectionSettings::Transport::Tls: {
        auto* sock = new QSslSocket(this);
        m_device = sock;
        sock->setReadBufferSize(m_readBufferSize);
        QSslConfiguration conf = sock->sslConfiguration();
        if (!m_settings.caCertFile.isEmpty()) {
            QList<QSslCertificate> cas = conf.caCertificates();
            cas += QSslCertificate::fromPath(m_settings.caCertFile);
            conf.setCaCertificates(cas);
        }
        if (!m_settings.clientCertFile.isEmpty()) {
            const QList<QSslCertificate> certs =
                QSslCertificate::fromPath(m_settings.clientCertFile);
            if (!certs.isEmpty())
                conf.setLocalCertificate(certs.first());
        }
        QString keyError;
        if (!m_settings.clientKeyFile.isEmpty()) {
            QFile keyFile(m_settings.clientKeyFile);
            const QByteArray pem =
                keyFile.open(QIODevice::ReadOnly) ? keyFile.readAll() : QByteArray();
            const QByteArray& phrase = m_settings.clientKeyPassphrase;
            QSslKey key(pem, QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey, phrase);
            if (key.isNull())
                key = QSslKey(pem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey, phrase);
            if (!key.isNull())
                conf.setPrivateKey(key);
            else if (pem.contains("ENCRYPTED"))
                keyError =
                    phrase.isEmpty()
                        ? tr("The client key %1 is encrypted: give its passphrase (Key passphrase "
                             "in the connection dialog).")
                              .arg(m_settings.clientKeyFile)
                        : tr("The client key %1 cannot be decrypted with the passphrase given.")
                              .arg(m_settings.clientKeyFile);
        }
        // The certificate must be valid for the host name given, unless insecure=1 (which the
        // window then shows as a warning).
        conf.setPeerVerifyMode(m_settings.tlsInsecure ? QSslSocket::VerifyNone
                                                      : QSslSocket::VerifyPeer);
        sock->setSslConfiguration(conf);
        sock->setPeerVerifyName(m_settings.host);
        connect(sock, &QSslSocket::encrypted, this, &RedisConnection::onConnected);
        connect(sock, &QSslSocket::readyRead, this, &RedisConnection::onReadyRead);
        connect(sock, &QSslSocket::errorOccurred, this,
                [this, sock](QAbstractSocket::SocketError) { onSocketError(sock->errorString()); });
        connect(sock, &QSslSocket::sslErrors, this, [this, sock](const QList<QSslError>& errors) {
            // Qt reports a host name mismatch even with VerifyNone: insecure=1 means go on.
            if (m_settings.tlsInsecure) {
                sock->ignoreSslErrors();
                return;
            }
            m_certificateRejected = true;
            onSocketError(tlsErrorText(errors, m_settings));
        });
        connect(sock, &QSslSocket::disconnected, this, &RedisConnection::onSocketClosed);
        if (!keyError.isEmpty()) { // not worth a connection the server would refuse
            m_certificateRejected = true;
            const quint64 generation = m_generation;
            QTimer::singleShot(0, this, [this, generation, keyError] {
                if (m_generation == generation && m_state == State::Connecting)
                    fail(keyError);
            });
            break;
        }
        sock->connectToHostEncrypted(m_settings.host, m_settings.port);
        break;
    }
    case ConnectionSettings::Transport::Tcp: {
        auto* sock = new QTcpSocket(this);
        m_device = sock;
        sock->setReadBufferSize(m_readBufferSize);
        connect(sock, &QTcpSocket::connected, this, [this, sock] {
            sock->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            onConnected();
        });
        connect(sock, &QTcpSocket::readyRead, this, &RedisConnection::onReadyRead);
        connect(sock, &QTcpSocket::errorOccurred, this,
                [this, sock](QAbstractSocket::SocketError) { onSocketError(sock->errorString()); });
        connect(sock, &QTcpSocket::disconnected, this, &RedisConnection::onSocketClosed);
        sock->connectToHost(m_settings.host, m_settings.port);
        break;
    }
    }
    // Writing progress counts as a sign of life: a large command on a slow link is not half-open.
    connect(m_device.data(), &QIODevice::bytesWritten, this,
            [this] { m_lastProgressMs = m_clock.elapsed(); });
}

void RedisConnection::setReadBufferSize(qint64 bytes)
{
    m_readBufferSize = bytes;
    if (auto* sock = qobject_cast<QAbstractSocket*>(m_device))
        sock->setReadBufferSize(bytes);
    else if (auto* local = qobject_cast<QLocalSocket*>(m_device))
        local->setReadBufferSize(bytes);
}

void RedisConnection::setReadPaused(bool paused)
{
    if (m_readPaused == paused || (paused && m_draining))
        return;
    m_readPaused = paused;
    if (paused)
        return;
    m_lastProgressMs = m_clock.elapsed();
    // What arrived meanwhile raised no new readyRead: read it on the next turn of the loop.
    QMetaObject::invokeMethod(
        this,
        [this, generation = m_generation] {
            if (generation == m_generation && !m_readPaused && m_state != State::Closed)
                onReadyRead();
        },
        Qt::QueuedConnection);
}

void RedisConnection::close()
{
    dropResolver();
    m_connectTimer.stop();
    m_healthTimer.stop();
    m_state = State::Closed;
    // Callbacks may close (or reopen) the connection while the deque is being walked: move the
    // pending entries out before destroying them.
    std::deque<Pending> dropped;
    dropped.swap(m_pending);
    closeAsked();
    m_clientId = 0;
    if (m_device) {
        QIODevice* dev = m_device;
        m_device = nullptr;
        dev->disconnect(this);
        if (auto* tcp = qobject_cast<QAbstractSocket*>(dev))
            tcp->abort();
        else if (auto* local = qobject_cast<QLocalSocket*>(dev))
            local->abort();
        // We may be inside one of the socket's own signals (a callback or a ready/failed handler
        // closing or even deleting this connection): the socket must outlive that emission, so it
        // is detached from us and deleted later instead of with us.
        dev->setParent(nullptr);
        dev->deleteLater();
    }
    delete m_reader;
    m_reader = nullptr;
}

void RedisConnection::onConnectTimeout()
{
    // Say what was awaited: the connection, the TLS handshake, or which handshake step's answer.
    if (m_state == State::Closed)
        return;
    // An answer already on the wire counts.
    if (m_state == State::Handshake && (!readRemaining() || m_state == State::Ready))
        return;
    const QString url = m_settings.displayUrl();
    const int ms = m_settings.connectTimeoutMs;
    QString text;
    if (m_state == State::Handshake && !m_pending.empty()) {
        const qsizetype step = m_pending.front().replies.size();
        const QByteArray name = step < m_handshakeSteps.size() ? m_handshakeSteps[step] : "?";
        text = tr("Timed out after %1 ms waiting for %2 to answer %3 (handshake step %4 of %5).")
                   .arg(ms)
                   .arg(url, QString::fromLatin1(name))
                   .arg(step + 1)
                   .arg(m_handshakeSteps.size());
        const QString partial = m_reader ? m_reader->partialReplyText() : QString();
        text += QLatin1Char(' ') + (partial.isEmpty()
                                        ? tr("Nothing of the answer arrived.")
                                        : tr("Only part of the answer arrived: %1.").arg(partial));
    } else if (auto* tls = qobject_cast<QSslSocket*>(m_device.data());
               tls && tls->state() == QAbstractSocket::ConnectedState) {
        text =
            tr("Timed out after %1 ms in the TLS handshake with %2: the connection was made, but "
               "the handshake did not finish (does this port speak TLS?).")
                .arg(ms)
                .arg(url);
    } else {
        text = tr("Timed out after %1 ms connecting to %2: no answer to the connection request.")
                   .arg(ms)
                   .arg(url);
    }
    fail(text);
}

void RedisConnection::onConnected()
{
    setKeepAlive();
    m_lastProgressMs = m_clock.elapsed();
    m_state = State::Handshake;
    startHandshake();
}

void RedisConnection::startHandshake()
{
    // Pipelined: AUTH, SELECT, CLIENT SETNAME, CLIENT ID. The first error refuses the connection,
    // except NOPERM on the two CLIENT commands: an ACL user without +client can still consume
    // (unnamed, and with clientId() 0, so a blocked pop cannot be released by CLIENT UNBLOCK).
    QList<QList<QByteArray>> cmds;
    if (!m_settings.password.isEmpty()) {
        if (m_settings.user.isEmpty())
            cmds.append(QList<QByteArray>{"AUTH", m_settings.password});
        else
            cmds.append(QList<QByteArray>{"AUTH", m_settings.user, m_settings.password});
    }
    if (m_settings.db != 0)
        cmds.append(QList<QByteArray>{"SELECT", QByteArray::number(m_settings.db)});
    cmds.append(QList<QByteArray>{"CLIENT", "SETNAME", m_clientName});
    cmds.append(QList<QByteArray>{"CLIENT", "ID"});

    QByteArray encoded;
    m_handshakeSteps.clear();
    for (const auto& c : cmds) {
        appendCommand(encoded, c);
        m_handshakeSteps.append(c.size() > 1 && c[0] == "CLIENT" ? c[0] + ' ' + c[1] : c[0]);
    }
    Pending p;
    p.expected = int(cmds.size());
    const qsizetype firstClientCommand = cmds.size() - 2;
    p.batch = [this, firstClientCommand](QList<RedisReply>& replies) {
        for (qsizetype i = 0; i < replies.size(); ++i) {
            const RedisReply& r = replies[i];
            if (r.isError() && !(i >= firstClientCommand && r.str.startsWith("NOPERM"))) {
                m_refusedByServer = true;
                fail(QString::fromUtf8(r.str));
                return;
            }
            // Redis answers OK to each step and an integer to CLIENT ID; anything else is a peer
            // that only looks like Redis.
            const bool clientId = i == replies.size() - 1;
            if (!r.isError() && (clientId ? !r.isInteger() : r.type != RedisReply::Type::Status)) {
                QByteArray shown = r.toDebugString();
                if (shown.size() > 60)
                    shown = shown.left(60) + "...";
                fail(tr("The server at %1 answered %2 with \"%3\" where Redis answers %4: it does "
                        "not behave "
                        "like Redis.")
                         .arg(m_settings.displayUrl(),
                              QString::fromLatin1(i < m_handshakeSteps.size() ? m_handshakeSteps[i]
                                                                              : QByteArray()),
                              QString::fromUtf8(shown),
                              clientId ? tr("an integer") : QStringLiteral("OK")));
                return;
            }
        }
        m_connectTimer.stop();
        m_clientId = replies.last().isInteger() ? replies.last().integer : 0;
        m_state = State::Ready;
        m_lastProgressMs = m_clock.elapsed();
        if (m_settings.healthMs > 0)
            m_healthTimer.start(qMax(50, m_settings.healthMs / 10));
        emit ready();
    };
    m_pending.push_back(std::move(p));
    writeBytes(encoded);
}

void RedisConnection::writeBytes(const QByteArray& bytes)
{
    if (m_device)
        m_device->write(bytes);
}

void RedisConnection::send(const QList<QByteArray>& argv, Callback cb)
{
    if (m_state != State::Ready && m_state != State::Handshake)
        return;
    Pending p;
    p.single = std::move(cb);
    p.sentAtMs = m_clock.elapsed();
    p.allowanceMs = blockingAllowanceMs(argv);
    m_pending.push_back(std::move(p));
    if (!argv.isEmpty() && argv[0].toUpper() == "MONITOR")
        m_pushMode = true; // from now on, every line is a push
    const QByteArray bytes = encodeCommand(argv);
    if (m_keepForAsk && m_state == State::Ready)
        m_pending.back().encoded = bytes;
    writeBytes(bytes);
}

void RedisConnection::sendNoReply(const QList<QByteArray>& argv)
{
    if (m_state != State::Ready)
        return;
    if (!argv.isEmpty() && isSubscribeCommand(argv[0]))
        m_pushMode = true;
    writeBytes(encodeCommand(argv));
}

void RedisConnection::sendEncoded(const QByteArray& encoded, int replyCount, BatchCallback cb)
{
    if (m_state != State::Ready || replyCount <= 0)
        return;
    Pending p;
    p.expected = replyCount;
    p.batch = std::move(cb);
    p.sentAtMs = m_clock.elapsed();
    p.replies.reserve(replyCount);
    if (m_keepForAsk)
        p.encoded = encoded;
    m_pending.push_back(std::move(p));
    writeBytes(encoded);
}

void RedisConnection::onReadyRead()
{
    // A callback may close, reopen or delete this connection: after each dispatch, go on only if
    // this object and the same connection (generation) are still there.
    QPointer<RedisConnection> self(this);
    const quint64 generation = m_generation;
    const auto same = [&] {
        return self && m_generation == generation && m_device && m_reader;
    };
    // Small reads on purpose: hiredis 0.14 compacts its buffer (a memmove of everything unread)
    // after each reply once 1 KiB is consumed, so feeding 64 KiB at a time costs quadratically
    // when a subscriber falls behind. 4 KiB measured best (tests/bench, pubsub-receive).
    char buffer[4 * 1024];
    try {
        // Replies already fed (left by a read pause) go first, then the socket, a chunk at a time.
        while (same()) {
            RedisReply reply;
            while (same() && !m_readPaused) {
                const RespReader::Status st = m_reader->next(reply);
                if (st == RespReader::Status::NeedMore)
                    break;
                if (st == RespReader::Status::ProtocolError) {
                    // Already a sentence: what was wrong, or what the peer is instead of Redis.
                    fail(m_reader->errorText());
                    return;
                }
                dispatch(reply);
            }
            if (!same() || m_readPaused)
                break;
            const qint64 n = m_device->read(buffer, sizeof buffer);
            if (n <= 0)
                break;
            m_lastProgressMs = m_clock.elapsed();
            m_reader->feed(buffer, n);
        }
    } catch (const std::exception&) {
        // Nothing thrown may leave an event handler: memory ran out in a callback.
        if (same())
            fail(tr("Ran out of memory handling a reply from %1; the connection was closed.")
                     .arg(m_settings.displayUrl()));
    }
}

void RedisConnection::dispatch(RedisReply& reply)
{
    if (!m_pending.empty() && followDemotion(reply))
        return;
    if (m_pending.empty()) {
        if (m_pushProbes > 0 && swallowProbeReply(reply))
            return;
        if (m_pushHandler)
            m_pushHandler(reply);
        return;
    }
    Pending& front = m_pending.front();
    if (!front.batch && m_held.empty() && !(reply.isError() && reply.str.startsWith("ASK "))) {
        Callback cb = std::move(front.single);
        m_pending.pop_front();
        if (cb)
            cb(reply);
        return;
    }
    front.replies.append(std::move(reply));
    if (front.replies.size() < front.expected)
        return;
    Pending done = std::move(front);
    m_pending.pop_front();
    if (!holdForAsk(done))
        deliver(done);
}

void RedisConnection::deliver(Pending& done)
{
    if (done.batch)
        done.batch(done.replies);
    else if (done.single)
        done.single(done.replies.first());
}

void RedisConnection::fail(const QString& error)
{
    m_lastError = error;
    const bool wasReady = m_state == State::Ready;
    close();
    if (wasReady)
        emit disconnected(error);
    else
        emit failed(error);
}

bool RedisConnection::readRemaining()
{
    // The connection is going: what it buffered is delivered, whatever pauses.
    m_readPaused = false;
    QPointer<RedisConnection> self(this);
    const quint64 generation = m_generation;
    m_draining = true;
    onReadyRead();
    if (self)
        m_draining = false;
    return self && m_generation == generation && m_state != State::Closed;
}

void RedisConnection::onSocketError(const QString& text)
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Ready || m_state == State::Handshake) {
        // A reply already on the wire is delivered before we give up on the connection.
        if (!readRemaining())
            return; // a callback closed, reopened or deleted the connection
    }
    QString msg = text;
    const QString partial = m_reader ? m_reader->partialReplyText() : QString();
    if (!partial.isEmpty() && m_state != State::Connecting)
        msg = tr("%1, in the middle of a reply (%2).").arg(text, partial);
    if (m_state == State::Connecting)
        msg = tr("Cannot connect to %1: %2").arg(m_settings.displayUrl(), text);
    fail(msg);
}

void RedisConnection::onSocketClosed()
{
    if (m_state == State::Closed)
        return;
    // Read what is still buffered before giving up: a reply already on the wire is delivered.
    if (!readRemaining())
        return;
    const QString partial = m_reader ? m_reader->partialReplyText() : QString();
    fail(partial.isEmpty()
             ? tr("The server closed the connection.")
             : tr("The server closed the connection in the middle of a reply (%1).").arg(partial));
}

} // namespace rqc
