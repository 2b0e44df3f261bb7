#include "ConsumerCensus.h"

namespace rqc {

ConsumerCensus::ConsumerCensus(const ConnectionSettings& settings, const QByteArray& key,
                               QObject* parent)
    : QObject(parent)
    , m_key(key)
{
    InspectorOptions options;
    options.census = true;
    options.sample = 1;     // heads only: the census counts, it does not list messages
    options.intervalMs = 0; // the owner decides how often
    m_inspector = std::make_unique<QueueInspector>(settings, key, options);
    connect(m_inspector.get(), &QueueInspector::snapshotReady, this,
            [this](const QueueSnapshot& snapshot) {
                m_inFlight = false;
                m_last = snapshot;
                m_hasResult = true;
                emit updated(snapshot);
            });
    connect(m_inspector.get(), &QueueInspector::errorOccurred, this, [this](const QString& error) {
        m_inFlight = false;
        emit errorOccurred(error);
    });
}

ConsumerCensus::~ConsumerCensus() = default;

void ConsumerCensus::start()
{
    // The inspector takes its first snapshot once connected.
    m_inFlight = true;
    m_inspector->start();
    if (m_haveKnown) // queued before the connection is up, so the first census uses it
        m_inspector->setProcessingHint(m_knownLists, m_knownComplete);
}

void ConsumerCensus::setKnownLists(const QList<QByteArray>& lists, bool complete)
{
    m_knownLists = lists;
    m_knownComplete = complete;
    m_haveKnown = true;
    m_inspector->setProcessingHint(lists, complete); // dropped if not started yet
}

void ConsumerCensus::refresh()
{
    if (m_inFlight)
        return;
    m_inFlight = true;
    m_inspector->refresh();
}

} // namespace rqc
