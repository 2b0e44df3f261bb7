#pragma once

#include "ConnectionSettings.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QIODevice;

namespace rqc {

// Asks, without blocking, whether anything accepts connections at a server's address (TCP, TLS
// or Unix socket). Used at start-up to decide between the default server and a sandbox: a
// server that answers but refuses us (wrong password…) still counts as there, and its own error
// is shown by the real connections later.
class ServerProbe : public QObject {
    Q_OBJECT
public:
    explicit ServerProbe(QObject* parent = nullptr);
    ~ServerProbe() override;

    // Starts a probe; finished() follows within timeoutMs. A running probe is abandoned.
    void probe(const ConnectionSettings& settings, int timeoutMs = 1000);
    bool isRunning() const { return m_device != nullptr; }

signals:
    // answered: something accepted the connection. detail: the socket's error otherwise.
    void finished(bool answered, const QString& detail);

private:
    void done(bool answered, const QString& detail);

    QPointer<QIODevice> m_device;
    QTimer m_timer;
};

} // namespace rqc
