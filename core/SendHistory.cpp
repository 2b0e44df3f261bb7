#include "SendHistory.h"

#include <QSettings>
#include <QUrl>

namespace rqc {

SendHistory::SendHistory(QSettings* settings)
    : m_settings(settings)
{
}

QString SendHistory::historyKey(const QString& target)
{
    // QSettings keys cannot hold '/' or '\' freely: percent-encode the target.
    return QStringLiteral("sendHistory/") + QString::fromLatin1(QUrl::toPercentEncoding(target));
}

QString SendHistory::snippetKey(const QString& name)
{
    return QStringLiteral("snippets/") + QString::fromLatin1(QUrl::toPercentEncoding(name));
}

void SendHistory::add(const QString& target, const QString& text)
{
    if (!m_settings || text.isEmpty() || text.size() > kMaxEntryBytes)
        return;
    QStringList list = entries(target);
    if (!list.isEmpty() && list.last() == text)
        return;
    list.append(text);
    while (list.size() > kMaxEntries)
        list.removeFirst();
    m_settings->setValue(historyKey(target), list);
}

QStringList SendHistory::entries(const QString& target) const
{
    return m_settings ? m_settings->value(historyKey(target)).toStringList() : QStringList();
}

void SendHistory::setSnippet(const QString& name, const QString& text)
{
    if (m_settings && !name.trimmed().isEmpty())
        m_settings->setValue(snippetKey(name.trimmed()), text);
}

void SendHistory::removeSnippet(const QString& name)
{
    if (m_settings)
        m_settings->remove(snippetKey(name));
}

QString SendHistory::snippet(const QString& name) const
{
    return m_settings ? m_settings->value(snippetKey(name)).toString() : QString();
}

QStringList SendHistory::snippetNames() const
{
    if (!m_settings)
        return {};
    m_settings->beginGroup(QStringLiteral("snippets"));
    const QStringList keys = m_settings->childKeys();
    m_settings->endGroup();
    QStringList names;
    for (const QString& k : keys)
        names << QUrl::fromPercentEncoding(k.toLatin1());
    names.sort(Qt::CaseInsensitive);
    return names;
}

void HistoryCursor::reset(const QStringList& entries, const QString& draft)
{
    m_entries = entries;
    m_draft = draft;
    m_pos = entries.size();
}

bool HistoryCursor::up(QString* text)
{
    if (m_pos <= 0)
        return false;
    --m_pos;
    *text = m_entries.at(m_pos);
    return true;
}

bool HistoryCursor::down(QString* text)
{
    if (m_pos < 0 || m_pos >= m_entries.size())
        return false;
    ++m_pos;
    *text = m_pos == m_entries.size() ? m_draft : m_entries.at(m_pos);
    return true;
}

} // namespace rqc
