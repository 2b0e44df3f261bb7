#pragma once

#include <QSortFilterProxyModel>

namespace rqc {

// Filters a MessageModel by a plain, case-insensitive text found in the source (channel or key)
// or in the payload preview. Keeps arrival order (no sorting), so new rows stay at the bottom.
class MessageFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit MessageFilterProxy(QObject* parent = nullptr);

    QString filterText() const { return m_text; }
    void setFilterText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
};

} // namespace rqc
