#pragma once

#include "QueueInspector.h"

#include <QTreeWidget>

namespace rqc {

// The inspector's view of one queue snapshot, as a tree:
//   reliable list  Processing lists → one per consumer (alive / orphaned, length, heartbeat)
//                  → the newest messages it holds
//   stream         one item per group (pending, lag, last delivered) → Consumers (pending,
//                  idle, heartbeat) and Oldest pending (id, owner, idle, deliveries, deleted)
// Rebuilt on every snapshot, keeping what the user expanded and selected.
class InspectorTree : public QTreeWidget {
    Q_OBJECT
public:
    enum Column { NameColumn, StateColumn, CountColumn, IdleColumn, DetailColumn, ColumnCount };
    enum class Kind { Section, ProcessingList, Message, Group, Consumer, PendingEntry };
    enum Role {
        KindRole = Qt::UserRole + 1, // Kind as int
        KeyRole,                     // list key, group, consumer or entry id (QByteArray)
        GroupRole                    // the group a consumer or pending entry belongs to
    };

    explicit InspectorTree(QWidget* parent = nullptr);

    void showSnapshot(const QueueSnapshot& snapshot);
    // The first item of that kind whose key is `key` (and group, if given).
    QTreeWidgetItem* findItem(Kind kind, const QByteArray& key,
                              const QByteArray& group = QByteArray()) const;

    static QString durationText(qint64 ms);

private:
    QTreeWidgetItem* addItem(QTreeWidgetItem* parent, Kind kind, const QByteArray& key,
                             const QStringList& texts, const QByteArray& group = QByteArray());
    void showList(const QueueSnapshot& s);
    void showStream(const QueueSnapshot& s);
    static QString pathOf(const QTreeWidgetItem* item);
};

} // namespace rqc
