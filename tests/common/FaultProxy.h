#pragma once

#include "ConnectionSettings.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace rqc::test {

class FaultProxyWorker;

// A loopback TCP proxy between the console and a redis-server the test started, that injects
// network faults: latency, a bandwidth limit, a connection cut in the middle of a reply, a reset
// (RST), and silence (a half-open path: nothing is forwarded either way, but both sockets stay
// open — no FIN, no RST). It runs on its own thread, so it keeps forwarding while the test blocks.
// Every setter takes effect before it returns.
class FaultProxy {
public:
    FaultProxy(const QString& targetHost, quint16 targetPort);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    // Listens on 127.0.0.1, a free port. False if it cannot.
    bool start();
    quint16 port() const { return m_port; }
    // redis://127.0.0.1:<proxy port>, with the given URL query ("health=2&timeout=1000").
    ConnectionSettings settings(const QString& query = QString()) const;

    // Each chunk is held this long in each direction (0 = none).
    void setLatency(int ms);
    // At most this many bytes per second in each direction of each connection (0 = no limit).
    void setBandwidth(qint64 bytesPerSecond);
    // The connection that next carries server-to-client bytes is closed (FIN both ways) after
    // `bytes` more of them have been forwarded: a cut in the middle of a reply. One shot.
    void cutAfter(qint64 bytes);
    // Resets (RST) every open connection at once.
    void resetAll();
    // Silent: forwards nothing either way and keeps every socket open (new connections are
    // accepted, then stay silent too). Resuming forwards what was held back.
    void setSilent(bool silent);

    // Connections accepted so far; connections open now; connections cut or reset by a fault.
    int acceptedCount() const { return m_accepted.load(); }
    int openCount() const { return m_open.load(); }
    int faultedCount() const { return m_faulted.load(); }
    // Bytes forwarded from the server to the clients so far.
    qint64 bytesToClients() const { return m_toClients.load(); }

private:
    friend class FaultProxyWorker;
    void call(const std::function<void(FaultProxyWorker*)>& fn);

    QString m_targetHost;
    quint16 m_targetPort;
    quint16 m_port = 0;
    QThread* m_thread = nullptr;
    FaultProxyWorker* m_worker = nullptr;
    std::atomic<int> m_accepted{0};
    std::atomic<int> m_open{0};
    std::atomic<int> m_faulted{0};
    std::atomic<qint64> m_toClients{0};
};

} // namespace rqc::test
