#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

class QSettings;

namespace rqc {

// What the entry box sent, per target (Up/Down recall it), and named snippets, both kept in the
// settings. The history of a target is bounded (kMaxEntries, oldest dropped; an entry longer
// than kMaxEntryBytes is not kept) and holds no two equal entries in a row.
class SendHistory {
public:
    explicit SendHistory(QSettings* settings);

    static constexpr int kMaxEntries = 50;
    static constexpr qsizetype kMaxEntryBytes = 64 * 1024;

    // target: what the entry box sends to, e.g. "list:jobs" (its spec's mode and key).
    void add(const QString& target, const QString& text);
    // Oldest first.
    QStringList entries(const QString& target) const;

    void setSnippet(const QString& name, const QString& text);
    void removeSnippet(const QString& name);
    QString snippet(const QString& name) const;
    QStringList snippetNames() const; // sorted

private:
    static QString historyKey(const QString& target);
    static QString snippetKey(const QString& name);

    QSettings* m_settings;
};

// Up/Down over a target's history, as a shell does: starts after the newest entry; Up goes back,
// Down forward; past the newest it gives back what was being typed.
class HistoryCursor {
public:
    void reset(const QStringList& entries, const QString& draft);
    bool isBrowsing() const { return m_pos >= 0 && m_pos < m_entries.size(); }
    // The text to show in *text; false when there is nowhere to go.
    bool up(QString* text);
    bool down(QString* text);

private:
    QStringList m_entries;
    QString m_draft;
    qsizetype m_pos = -1; // == size(): the draft
};

} // namespace rqc
