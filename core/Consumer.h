#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "ConsumerWorker.h"

#include <QObject>
#include <QPointer>

class QThread;

namespace rqc {

// The main thread's handle on one consumer: it creates the worker for the spec's mode, runs it on
// its own named QThread, forwards its signals (queued), and stops it cleanly. No thread outlives
// its Consumer.
class Consumer : public QObject {
    Q_OBJECT
public:
    Consumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
             QObject* parent = nullptr);
    ~Consumer() override; // stops and waits

    const ConsumerSpec& spec() const { return m_spec; }
    void start();
    // Asks the worker to stop; stopped() follows (normally within 200 ms).
    void stop();
    // stop() and wait for the thread to end. Returns false on timeout.
    bool stopAndWait(int timeoutMs = 3000);
    bool isRunning() const;
    // The worker, for mode-specific calls (queued); null once it is gone.
    ConsumerWorker* worker() const { return m_worker; }

    static ConsumerWorker* createWorker(const ConnectionSettings& settings,
                                        const ConsumerSpec& spec);
    static void registerMetaTypes();

signals:
    void messagesArrived(const rqc::MessageList& batch, quint64 totalReceived);
    void stateChanged(rqc::ConsumerState state, const QString& detail);
    void errorOccurred(const QString& error);
    void connectionLost(qint64 atMs, const QString& reason);
    void connectionRestored(qint64 lostAtMs, qint64 backAtMs, const QString& note);
    void stopped();

private:
    ConsumerSpec m_spec;
    QThread* m_thread = nullptr;
    QPointer<ConsumerWorker> m_worker;
    bool m_started = false;
};

} // namespace rqc
