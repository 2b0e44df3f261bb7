#pragma once

#include "Message.h"
#include "PayloadDecoder.h"

#include <QColor>
#include <QObject>
#include <QString>

class QComboBox;
class QLineEdit;
class QTableView;

namespace rqc {

class MessageFilterProxy;
class MessageModel;
class PayloadView;

// A pane's reading aids, beside its message list: the decoder choice ("decoderCombo": Auto or a
// fixed decoder, applied to the list's preview column, the payload view and the filter) and
// per-source colours with double-click-to-filter (the channel of a pattern pane's rows, the
// producer of an observe pane's rows: double-clicking a coloured cell puts that name in the
// filter box).
class ReadingAids : public QObject {
    Q_OBJECT
public:
    ReadingAids(MessageModel* model, MessageFilterProxy* proxy, PayloadView* payloadView,
                QTableView* view, QLineEdit* filterEdit, QWidget* toolParent);

    QComboBox* decoderCombo() const { return m_combo; }
    PayloadDecoder::Kind decoder() const;
    void setDecoder(PayloadDecoder::Kind kind);

    // What a row is coloured by: the channel when the row came through a pattern, the producer
    // for an observe row; empty otherwise (one source, nothing to tell apart).
    static QString colourKey(const Message& m);
    // A light background, the same for the same key in every pane and run.
    static QColor colourFor(const QString& key);
    // One line of at most maxChars (+ "…"): the payload as `kind` reads it.
    static QString decodedPreview(const QByteArray& payload, PayloadDecoder::Kind kind,
                                  int maxChars);
    // Rich text: what the payload was read as, then the first lines of the decoding; empty when
    // it reads as plain text or bytes (the model's own tooltip then).
    static QString decodedToolTip(const QByteArray& payload, PayloadDecoder::Kind kind);

private:
    void apply();
    void onDoubleClicked(const QModelIndex& index);

    MessageModel* m_model;
    MessageFilterProxy* m_proxy;
    PayloadView* m_payloadView;
    QTableView* m_view;
    QLineEdit* m_filterEdit;
    QComboBox* m_combo;
};

} // namespace rqc
