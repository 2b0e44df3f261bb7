// SendBox: sending through the publisher (plain, templated, load runs) and what comes back.
#include "LoadPanel.h"
#include "MessageTemplate.h"
#include "SendBox.h"

#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QTimer>

namespace rqc {

bool SendBox::checkTemplate(const QByteArray& text)
{
    const MessageTemplate t = MessageTemplate::parse(text);
    if (t.isValid())
        return true;
    emit errorOccurred(tr("Nothing was sent: %1").arg(t.error()));
    return false;
}

qint64 SendBox::queueSend(const LoadPacer::Limits* load, int count, const LoadSource* source)
{
    const QByteArray target = publishTarget();
    if (target.isEmpty()) {
        emit errorOccurred(
            tr("Pattern panes need a channel to publish to: fill in \"Publish to\"."));
        m_publishToEdit->setFocus();
        return 0;
    }
    const PublisherWorker::Command cmd = command();
    const QByteArray text = messageBytes();
    PublisherWorker::StreamFields fields;
    if (cmd == PublisherWorker::Command::XAdd && !source) {
        QString error;
        fields = streamFields(&error);
        if (fields.isEmpty()) {
            emit errorOccurred(error);
            return 0;
        }
    }
    if (source) { // the messages are the source's: the entry box's text plays no part
        if (cmd == PublisherWorker::Command::XAdd) {
            const QString field = m_fieldEdit->text().trimmed();
            fields = {{field.isEmpty() ? QByteArray("message") : field.toUtf8(), {}}};
        }
        const qint64 id = m_publisher->sendLoad(cmd, target, {}, fields, *load, *source);
        m_pendingSends.insert(id, int(cmd));
        return id;
    }
    const bool templated = MessageTemplate::looksTemplated(text);
    if (templated && !checkTemplate(text))
        return 0;
    if (m_history)
        m_history->add(historyTarget(), QString::fromUtf8(text));
    m_browsingHistory = false;
    qint64 id = 0;
    const QByteArray payload = cmd == PublisherWorker::Command::XAdd ? QByteArray() : text;
    if (load)
        id = m_publisher->sendLoad(cmd, target, payload, fields, *load);
    else if (templated) // expanded per message, numbered from 1
        id = m_publisher->sendLoad(cmd, target, payload, fields, {0, quint64(count), 0});
    else if (cmd == PublisherWorker::Command::XAdd)
        id = m_publisher->sendEntry(target, fields, count);
    else
        id = m_publisher->send(cmd, target, payload, count);
    m_pendingSends.insert(id, int(cmd));
    return id;
}

void SendBox::onSent(qint64 id, quint64 count, qint64 receivers)
{
    const auto it = m_pendingSends.constFind(id);
    if (it == m_pendingSends.cend())
        return;
    const int command = it.value();
    m_pendingSends.erase(it);
    m_sent += count;
    const bool publish = command == int(PublisherWorker::Command::Publish) ||
                         command == int(PublisherWorker::Command::SPublish);
    if (command == int(PublisherWorker::Command::LPush) && count > 0) {
        emit depthReported(receivers);
    } else if (publish && count > 0) {
        m_lastReach = count == 1 ? receivers : -1;
        m_lastBurstReach = count == 1 ? -1 : receivers;
    }
    if (id == m_loadId) {
        m_loadId = 0;
        m_loadPanel->finish(count, publish ? receivers : -1, m_loadElapsedNs, ackedSinceLoad());
        followAcks(count);
    }
    if (m_pendingSends.isEmpty())
        m_progress.clear();
    const bool failed = m_failedSends.remove(id);
    emit sent(count);
    if (!failed)
        emit sendSucceeded();
    // A failed send says why it failed; the warning is for sends that went through.
    if (!failed && publish && count > 0 && receivers == 0)
        emit errorOccurred(count == 1 ? tr("Nobody was listening: the message is gone (PUBLISH "
                                           "reached 0 subscribers).")
                                      : tr("Nobody was listening: the %n message(s) are gone "
                                           "(PUBLISH reached 0 subscribers).",
                                           nullptr, int(count)));
}

void SendBox::onLoadProgress(qint64 id, quint64 acked, qint64 receivers, qint64 elapsedNs)
{
    if (id != m_loadId)
        return;
    m_loadReceivers = receivers;
    m_loadElapsedNs = elapsedNs;
    const bool publish = m_pendingSends.value(id, -1) == int(PublisherWorker::Command::Publish);
    m_loadPanel->update(acked, publish ? receivers : -1, elapsedNs, ackedSinceLoad());
}

qint64 SendBox::ackedSinceLoad() const
{
    if (!m_ackedCounter || m_ackedAtLoadStart < 0)
        return -1;
    const qint64 now = m_ackedCounter();
    return now < 0 ? -1 : qMax<qint64>(0, now - m_ackedAtLoadStart);
}

void SendBox::followAcks(quint64 sent)
{
    const qint64 acked = ackedSinceLoad();
    if (acked < 0 || quint64(acked) >= sent)
        return;
    if (!m_ackFollow) {
        m_ackFollow = new QTimer(this);
        m_ackFollow->setInterval(200);
        connect(m_ackFollow, &QTimer::timeout, this, [this] {
            const qint64 now = ackedSinceLoad();
            m_ackFollowIdle = now == m_ackFollowLast ? m_ackFollowIdle + 1 : 0;
            m_ackFollowLast = now;
            m_loadPanel->updateAcked(now);
            // Done when all are acked, or nothing was acked for 30 s (manual acks, a stop).
            if (now < 0 || quint64(now) >= m_ackFollowSent || m_ackFollowIdle >= 150)
                m_ackFollow->stop();
        });
    }
    m_ackFollowSent = sent;
    m_ackFollowLast = acked;
    m_ackFollowIdle = 0;
    m_ackFollow->start();
}

void SendBox::startLoad(const LoadPacer::Limits& limits)
{
    if (m_loadId != 0)
        return;
    if (!m_publisher) {
        emit errorOccurred(tr("Not connected to a server yet."));
        return;
    }
    const qint64 id = queueSend(&limits, 0);
    if (id == 0)
        return;
    m_loadId = id;
    if (m_ackFollow)
        m_ackFollow->stop(); // a new run counts from here
    m_loadReceivers = 0;
    m_loadElapsedNs = 0;
    m_ackedAtLoadStart = m_ackedCounter ? m_ackedCounter() : -1;
    m_loadPanel->begin(limits);
}

void SendBox::stopLoad()
{
    if (m_loadId != 0 && m_publisher)
        m_publisher->cancel(m_loadId);
}

} // namespace rqc

namespace rqc {

bool SendBox::sendFile(const QString& path, PayloadFile::Split split)
{
    if (!m_publisher) {
        emit errorOccurred(tr("Not connected to a server yet."));
        return false;
    }
    if (m_loadId != 0) {
        emit errorOccurred(tr("A load run is under way: stop it first."));
        return false;
    }
    LoadSource source;
    source.fromList = true;
    QString error;
    if (!PayloadFile::read(path, split, &source.payloads, &error)) {
        emit errorOccurred(error);
        return false;
    }
    LoadPacer::Limits limits;
    limits.count = quint64(source.payloads.size());
    limits.rate = split == PayloadFile::Split::Lines ? m_loadPanel->limits().rate : 0;
    const qint64 id = queueSend(&limits, 0, &source);
    if (id == 0)
        return false;
    m_loadId = id;
    if (m_ackFollow)
        m_ackFollow->stop(); // a new run counts from here
    m_loadReceivers = 0;
    m_loadElapsedNs = 0;
    m_ackedAtLoadStart = m_ackedCounter ? m_ackedCounter() : -1;
    m_loadPanel->begin(limits);
    return true;
}

void SendBox::setSettings(QSettings* settings)
{
    m_history = settings ? std::make_unique<SendHistory>(settings) : nullptr;
}

QString SendBox::historyTarget() const
{
    return ConsumerSpec::modeName(m_spec.mode) + QLatin1Char(':') +
           QString::fromUtf8(publishTarget());
}

bool SendBox::recall(bool up)
{
    if (!m_history)
        return false;
    if (!m_browsingHistory) {
        if (!up)
            return false;
        m_historyCursor.reset(m_history->entries(historyTarget()), m_messageEdit->toPlainText());
        m_browsingHistory = true;
    }
    QString text;
    if (!(up ? m_historyCursor.up(&text) : m_historyCursor.down(&text)))
        return up; // at the oldest: stay; past the newest: let the cursor move
    m_settingText = true;
    m_messageEdit->setPlainText(text);
    m_messageEdit->moveCursor(up ? QTextCursor::Start : QTextCursor::End);
    m_settingText = false;
    if (!m_historyCursor.isBrowsing())
        m_browsingHistory = false;
    return true;
}

} // namespace rqc
