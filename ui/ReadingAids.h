#pragma once

#include "ConsumerSpec.h"
#include "Message.h"
#include "PayloadDecoder.h"

#include <QColor>
#include <QObject>
#include <QString>

class QComboBox;
class QLineEdit;
class QTableView;
class QToolButton;

namespace rqc {

class MessageFilterProxy;
class MessageModel;
class PayloadView;

// A pane's reading aids, beside its message list: the decoder choice ("decoderCombo": Auto or a
// fixed decoder, applied to the list's preview column, the payload view and the filter) and
// per-source colours with double-click-to-filter (the channel of a pattern pane's rows, the
// producer of an observe pane's rows: double-clicking a coloured cell puts that name in the
// filter box).
//
// Also how the list is laid out: newest first ("newestFirstButton": the newest row at the top,
// the proxy numbering rows from the newest, a reader scrolled down keeps the rows in sight while
// more arrive above) and wrapping ("wrapButton": rows tall enough for kWrapLines lines, long
// previews wrapped onto them instead of cut at one line; rows keep one height, so a flood costs
// no per-row measuring). The three choices are kept with the pane as spec options (decoder=,
// order=newest, wrap=1; ConsumerSpec::knownOptions() lets every mode have them).
class ReadingAids : public QObject {
    Q_OBJECT
public:
    ReadingAids(MessageModel* model, MessageFilterProxy* proxy, PayloadView* payloadView,
                QTableView* view, QLineEdit* filterEdit, QWidget* toolParent);

    static constexpr int kWrapLines = 4;

    QComboBox* decoderCombo() const { return m_combo; }
    // The decoder choice and the two toggles, for the pane's tool row.
    QWidget* tools() const { return m_tools; }
    PayloadDecoder::Kind decoder() const;
    void setDecoder(PayloadDecoder::Kind kind);
    bool newestFirst() const;
    void setNewestFirst(bool on);
    bool wrapping() const;
    void setWrapping(bool on);

    // Applies the view options in `spec` (decoder=, order=, wrap=; absent ones leave the
    // current choice) and returns the spec without them: what the consumer runs with.
    ConsumerSpec takeViewOptions(const ConsumerSpec& spec);
    // `spec` with the current choices added, those other than the defaults: what is saved.
    ConsumerSpec withViewOptions(const ConsumerSpec& spec) const;
    // The spec a pane is saved with (its own plus its reading aids' choices).
    static ConsumerSpec savedSpec(const QObject* pane, const ConsumerSpec& spec);

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
    void applyWrap();
    void onDoubleClicked(const QModelIndex& index);
    void onRowsInserted(const QModelIndex& parent, int first, int last);

    MessageModel* m_model;
    MessageFilterProxy* m_proxy;
    PayloadView* m_payloadView;
    QTableView* m_view;
    QLineEdit* m_filterEdit;
    QComboBox* m_combo;
    QWidget* m_tools;
    QToolButton* m_newestButton;
    QToolButton* m_wrapButton;
    int m_oneLineHeight = 0;
};

} // namespace rqc
