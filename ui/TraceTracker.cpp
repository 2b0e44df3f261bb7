#include "TraceTracker.h"

#include "SendBox.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include <utility>

namespace rqc {

namespace {
// "name (addr)" or "name": the part before the address.
QByteArray clientNameOf(const QByteArray& who)
{
    const qsizetype paren = who.indexOf(" (");
    return paren < 0 ? who : who.left(paren);
}
} // namespace

TraceTracker::TraceTracker(SendBox* sendBox, QWidget* parent)
    : QWidget(parent)
    , m_sendBox(sendBox)
{
    setObjectName(QStringLiteral("traceTracker"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_traceButton = new QPushButton(tr("Send and trace"), this);
    m_traceButton->setObjectName(QStringLiteral("traceButton"));
    m_traceButton->setToolTip(tr("Send the text once and follow it: who takes it, when, and "
                                 "whether it is acked."));
    connect(m_traceButton, &QPushButton::clicked, this, &TraceTracker::trace);
    auto* timeoutLabel = new QLabel(tr("give up after"), this);
    m_timeoutSpin = new QSpinBox(this);
    m_timeoutSpin->setObjectName(QStringLiteral("traceTimeoutSpin"));
    m_timeoutSpin->setRange(1, 600);
    m_timeoutSpin->setValue(30);
    m_timeoutSpin->setSuffix(tr(" s"));
    timeoutLabel->setBuddy(m_timeoutSpin);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("traceLabel"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_traceButton);
    layout->addWidget(timeoutLabel);
    layout->addWidget(m_timeoutSpin);
    layout->addWidget(m_label, 1);
}

TraceTracker::~TraceTracker() = default;

void TraceTracker::setSpec(const ConsumerSpec& spec)
{
    if (spec.target != m_spec.target || spec.mode != m_spec.mode) {
        delete m_follower.data();
        m_journey = TraceJourney();
        m_seen.clear();
        m_label->clear();
    }
    m_spec = spec;
    setVisible(spec.mode == Mode::Peek || spec.mode == Mode::Observe);
}

void TraceTracker::setConnection(const ConnectionSettings& settings)
{
    m_settings = settings;
    m_connected = true;
}

void TraceTracker::trace()
{
    if (!m_connected)
        return;
    delete m_follower.data();
    static int traces = 0;
    const QString name =
        QStringLiteral("%1-%2").arg(QCoreApplication::applicationPid()).arg(++traces);
    m_follower = new TraceFollower(m_settings, name, this);
    connect(m_follower, &TraceFollower::journeyChanged, this,
            [this, follower = m_follower](const TraceJourney& journey) {
                if (follower != m_follower)
                    return;
                const bool pushedNow = m_journey.stage == TraceJourney::Stage::Sending &&
                                       journey.stage != TraceJourney::Stage::Sending;
                m_journey = journey;
                if (pushedNow && !m_early.isEmpty())
                    observe(std::exchange(m_early, {}));
                show();
            });
    m_seen.clear();
    m_early.clear();
    m_rowShown = false;
    m_journey = TraceJourney();
    TraceRequest request;
    request.key = m_spec.target;
    request.payload = m_sendBox->messageBytes();
    QString error;
    request.fields = m_sendBox->streamFields(&error);
    if (request.fields.isEmpty())
        request.fields.append({QByteArrayLiteral("message"), request.payload});
    request.timeoutMs = m_timeoutSpin->value() * 1000;
    m_follower->start(request);
    show();
}

void TraceTracker::observe(const MessageList& batch)
{
    if (!m_follower || m_journey.stage == TraceJourney::Stage::Failed)
        return;
    if (m_journey.stage == TraceJourney::Stage::Sending) {
        // Bounded: a trace is confirmed within a round trip or two.
        for (const Message& m : batch) {
            if (m.observed && m.observed->key == m_spec.target && m_early.size() < 10000)
                m_early.append(m);
        }
        return;
    }
    const QByteArray ours = m_follower ? m_follower->clientName() : QByteArray();
    bool changed = false;
    for (const Message& m : batch) {
        const Observation* o = m.observed.get();
        if (!o || (o->kind != Observation::Kind::Consume && o->kind != Observation::Kind::Ack) ||
            o->key != m_journey.key || o->command == "TRACE")
            continue;
        const bool match = m_journey.stream
                               ? !m_journey.id.isEmpty() && m.id == m_journey.id
                               : m.payload == m_journey.payload &&
                                     (o->producer.isEmpty() || clientNameOf(o->producer) == ours);
        if (!match)
            continue;
        m_seen.append(*o);
        changed = true;
    }
    if (changed)
        show();
}

TraceJourney TraceTracker::journey() const
{
    TraceJourney j = m_journey;
    if (m_seen.isEmpty())
        return j;
    if (j.hops.isEmpty())
        j.hops.append(TraceHop());
    // Observe names the consumer where polling cannot (plain lists), and MONITOR's times are
    // exact where a poll only bounds them. Streams: the follower names group and consumer.
    TraceHop& hop = j.hops.first();
    for (const Observation& o : m_seen) {
        if (!o.consumer.isEmpty() && (hop.consumer.isEmpty() || !j.stream)) {
            hop.consumer = clientNameOf(o.consumer);
            hop.certain = o.certain;
        }
        if (o.takenMs) {
            hop.takenMs = o.takenMs;
            hop.takenPolled = false;
        }
        if (o.ackedMs) {
            hop.ackedMs = o.ackedMs;
            hop.ackedPolled = false;
        }
    }
    if (j.stage == TraceJourney::Stage::Pushed)
        j.stage = TraceJourney::Stage::Taken;
    if (hop.ackedMs && j.hops.size() == 1)
        j.stage = TraceJourney::Stage::Acked;
    return j;
}

QString TraceTracker::summary() const { return journey().summary(); }

bool TraceTracker::complete(const TraceJourney& j) const
{
    if (j.stage == TraceJourney::Stage::Acked || j.stage == TraceJourney::Stage::Failed ||
        j.timedOut)
        return true;
    // A take with no ack to follow: done once observe named the taker (or there is no observer).
    return j.finished && !j.hops.isEmpty() &&
           (m_spec.mode != Mode::Observe || !j.hops.first().consumer.isEmpty());
}

void TraceTracker::show()
{
    const TraceJourney j = journey();
    const QString text = j.summary();
    m_label->setText(text);
    m_label->setToolTip(text);
    emit journeyChanged();
    if (m_rowShown || !complete(j) || j.stage == TraceJourney::Stage::Failed)
        return;
    m_rowShown = true;
    auto o = std::make_shared<Observation>();
    o->kind = !j.hops.isEmpty() && j.hops.first().ackedMs ? Observation::Kind::Ack
                                                          : Observation::Kind::Consume;
    o->command = "TRACE";
    o->key = j.key;
    o->clientName = j.producer;
    o->clientId = j.producerId;
    o->producer = j.producer;
    o->producedMs = j.pushedMs;
    if (!j.hops.isEmpty()) {
        const TraceHop& hop = j.hops.first();
        o->consumer = hop.consumer.isEmpty() ? tr("(not known)").toUtf8() : hop.consumer;
        o->certain = hop.certain;
        o->takenMs = hop.takenMs;
        o->ackedMs = hop.ackedMs;
    } else {
        o->consumer = tr("(nobody)").toUtf8();
    }
    Message row;
    row.payload = j.payload;
    row.source = j.key;
    row.id = j.id;
    row.receivedMs = QDateTime::currentMSecsSinceEpoch();
    row.observed = std::move(o);
    emit traced(row);
}

} // namespace rqc
