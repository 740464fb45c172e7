-- compute-limits warehouse schema (DuckDB).
--
-- Layers: raw extraction (documents, findings) and human decisions (reviews) are kept apart
-- from curated observations (observations) and the fits made from them (fits).
-- Units are in column names and comments; every timestamp is UTC (TIMESTAMP without zone,
-- written as UTC). Ids are hex digests of the record's identifying fields, so reloading the
-- same input is idempotent.
-- Every statement is idempotent (IF NOT EXISTS); warehouse/db.py applies this file on connect.

CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL
);
COMMENT ON TABLE schema_migrations IS 'Schema versions applied to this file, in order.';
COMMENT ON COLUMN schema_migrations.version IS 'Schema version number (integer, increasing).';
COMMENT ON COLUMN schema_migrations.name IS 'Short name of the migration.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (UTC).';

CREATE TABLE IF NOT EXISTS papers (
    paper_id        VARCHAR PRIMARY KEY,
    arxiv_id        VARCHAR,
    arxiv_version   VARCHAR,
    title           VARCHAR,
    authors         VARCHAR[],
    categories      VARCHAR[],
    published_at    TIMESTAMP,
    abs_url         VARCHAR,
    source          VARCHAR NOT NULL,
    id_source       VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,
    status_reason   VARCHAR,
    first_seen_at   TIMESTAMP NOT NULL,
    first_run_id    VARCHAR
);
COMMENT ON TABLE papers IS 'One row per paper (an arXiv id without version, or a file hash when no id is known).';
COMMENT ON COLUMN papers.paper_id IS 'Stable key: the arXiv id without version (e.g. 1512.03385), else file:<first 16 hex of sha256>.';
COMMENT ON COLUMN papers.arxiv_id IS 'arXiv identifier without version, NULL when unknown.';
COMMENT ON COLUMN papers.arxiv_version IS 'arXiv version of the document read (e.g. v1), NULL when unknown.';
COMMENT ON COLUMN papers.title IS 'Title from the arXiv API, the manifest, or a guess from page 1.';
COMMENT ON COLUMN papers.authors IS 'Author names as the source gives them (empty for local files).';
COMMENT ON COLUMN papers.categories IS 'arXiv categories (e.g. cs.CV), empty for local files.';
COMMENT ON COLUMN papers.published_at IS 'First submission date on arXiv (UTC), NULL for local files.';
COMMENT ON COLUMN papers.abs_url IS 'arXiv abstract page URL, NULL when the id is unknown.';
COMMENT ON COLUMN papers.source IS 'Where the paper came from: arxiv or dir.';
COMMENT ON COLUMN papers.id_source IS 'How the arXiv id was found: api, manifest, filename, stamp or none.';
COMMENT ON COLUMN papers.status IS 'Status of the latest document of the paper: ok, no_findings, no_text_layer, parse_error, encrypted, too_many_pages, timeout, memory_limit, fetch_error.';
COMMENT ON COLUMN papers.status_reason IS 'Human-readable reason for a status other than ok.';
COMMENT ON COLUMN papers.first_seen_at IS 'When a run first recorded the paper (UTC).';
COMMENT ON COLUMN papers.first_run_id IS 'runs.run_id of the run that first recorded the paper.';

CREATE TABLE IF NOT EXISTS documents (
    document_id       VARCHAR PRIMARY KEY,
    paper_id          VARCHAR NOT NULL,
    file_name         VARCHAR NOT NULL,
    path              VARCHAR,
    sha256            VARCHAR NOT NULL,
    bytes             BIGINT,
    pages             INTEGER NOT NULL,
    pages_analysed    INTEGER,
    status            VARCHAR NOT NULL,
    status_reason     VARCHAR,
    extractor_version VARCHAR NOT NULL,
    extract_seconds   DOUBLE,
    extracted_at      TIMESTAMP NOT NULL,
    run_id            VARCHAR
);
COMMENT ON TABLE documents IS 'One row per PDF file read (by content hash) and extractor version.';
COMMENT ON COLUMN documents.document_id IS 'Hash of (sha256, extractor_version).';
COMMENT ON COLUMN documents.paper_id IS 'papers.paper_id this file belongs to.';
COMMENT ON COLUMN documents.file_name IS 'File name as found in the source folder or cache.';
COMMENT ON COLUMN documents.path IS 'Path the file was read from at extraction time (informational).';
COMMENT ON COLUMN documents.sha256 IS 'SHA-256 of the file bytes (hex).';
COMMENT ON COLUMN documents.bytes IS 'File size in bytes.';
COMMENT ON COLUMN documents.pages IS 'Number of pages (0 when the PDF could not be opened).';
COMMENT ON COLUMN documents.pages_analysed IS 'Pages sent through pdfplumber layout and table analysis.';
COMMENT ON COLUMN documents.status IS 'Extraction status: ok, no_findings, no_text_layer, parse_error, encrypted, too_many_pages, timeout, memory_limit, fetch_error.';
COMMENT ON COLUMN documents.status_reason IS 'Human-readable reason for a status other than ok.';
COMMENT ON COLUMN documents.extractor_version IS 'extract.EXTRACTOR_VERSION that read the file.';
COMMENT ON COLUMN documents.extract_seconds IS 'Wall time of extraction in seconds.';
COMMENT ON COLUMN documents.extracted_at IS 'When extraction finished (UTC).';
COMMENT ON COLUMN documents.run_id IS 'runs.run_id of the run that extracted it.';

CREATE TABLE IF NOT EXISTS findings (
    finding_id        VARCHAR PRIMARY KEY,
    document_id       VARCHAR NOT NULL,
    paper_id          VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    value             DOUBLE,
    value_text        VARCHAR,
    unit              VARCHAR NOT NULL,
    model_label       VARCHAR,
    benchmark         VARCHAR,
    metric            VARCHAR,
    reported_as       VARCHAR,
    page              INTEGER NOT NULL,
    bbox_x0           DOUBLE,
    bbox_top          DOUBLE,
    bbox_x1           DOUBLE,
    bbox_bottom       DOUBLE,
    source_text       VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,
    confidence        DOUBLE NOT NULL,
    extractor         VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    context           JSON,
    extracted_at      TIMESTAMP NOT NULL,
    run_id            VARCHAR
);
COMMENT ON TABLE findings IS 'One value a paper reports, with its provenance. Pending until a review accepts or corrects it.';
COMMENT ON COLUMN findings.finding_id IS 'Hash of (sha256 of the file, kind, benchmark, metric, model_label, page, rounded bbox, extractor): the same place keeps its id across re-extraction.';
COMMENT ON COLUMN findings.document_id IS 'documents.document_id it was read from.';
COMMENT ON COLUMN findings.paper_id IS 'papers.paper_id.';
COMMENT ON COLUMN findings.kind IS 'ops_per_forward_pass, parameters, chip_model, chip_count, training_time, epochs, training_set_size or score.';
COMMENT ON COLUMN findings.value IS 'Value in unit: FLOP per forward pass (1 multiply-add = 2 FLOP), count, seconds, epochs, examples, percent (ImageNet top-1/top-5 as accuracy) or BLEU; NULL for chip_model.';
COMMENT ON COLUMN findings.value_text IS 'Textual value: the chip key of extract/data/chips.csv for chip_model.';
COMMENT ON COLUMN findings.unit IS 'Unit of value: FLOP, count, chip, s, epoch, examples, % or BLEU.';
COMMENT ON COLUMN findings.model_label IS 'Model the value belongs to (table row label), NULL for paper-level statements.';
COMMENT ON COLUMN findings.benchmark IS 'imagenet, coco, squad11, conll2003, wmt14_en_de or wmt14_en_fr for scores.';
COMMENT ON COLUMN findings.metric IS 'top1, top5, box_ap, em, f1 or bleu for scores.';
COMMENT ON COLUMN findings.reported_as IS 'How the paper wrote it when that differs from the stored convention (error, multiply-adds, GFLOPs, days ...).';
COMMENT ON COLUMN findings.page IS 'Page number, 1-based.';
COMMENT ON COLUMN findings.bbox_x0 IS 'Left edge of the source text, PDF points from the page left.';
COMMENT ON COLUMN findings.bbox_top IS 'Top edge of the source text, PDF points from the page top.';
COMMENT ON COLUMN findings.bbox_x1 IS 'Right edge of the source text, PDF points from the page left.';
COMMENT ON COLUMN findings.bbox_bottom IS 'Bottom edge of the source text, PDF points from the page top.';
COMMENT ON COLUMN findings.source_text IS 'The exact text the value was read from (sentence or table row).';
COMMENT ON COLUMN findings.method IS 'How it was found: table_cell, sentence, ...';
COMMENT ON COLUMN findings.confidence IS 'How sure the rule is, 0 to 1.';
COMMENT ON COLUMN findings.extractor IS 'Name of the rule that produced it.';
COMMENT ON COLUMN findings.extractor_version IS 'Version of the extraction rules.';
COMMENT ON COLUMN findings.context IS 'Extra facts as JSON (table header, column ...).';
COMMENT ON COLUMN findings.extracted_at IS 'When it was extracted (UTC).';
COMMENT ON COLUMN findings.run_id IS 'runs.run_id of the run that extracted it.';

CREATE TABLE IF NOT EXISTS reviews (
    review_id    VARCHAR PRIMARY KEY,
    finding_id   VARCHAR NOT NULL,
    decision     VARCHAR NOT NULL,
    value        DOUBLE,
    value_text   VARCHAR,
    unit         VARCHAR,
    reviewer     VARCHAR NOT NULL,
    note         VARCHAR,
    decided_at   TIMESTAMP NOT NULL
);
COMMENT ON TABLE reviews IS 'Append-only review decisions; the latest per finding counts, history stays.';
COMMENT ON COLUMN reviews.review_id IS 'Hash of (finding_id, decision, value, reviewer, decided_at).';
COMMENT ON COLUMN reviews.finding_id IS 'findings.finding_id decided on.';
COMMENT ON COLUMN reviews.decision IS 'accept, reject or correct.';
COMMENT ON COLUMN reviews.value IS 'Corrected value in unit (correct only).';
COMMENT ON COLUMN reviews.value_text IS 'Corrected textual value (correct only).';
COMMENT ON COLUMN reviews.unit IS 'Unit of the corrected value.';
COMMENT ON COLUMN reviews.reviewer IS 'Who decided.';
COMMENT ON COLUMN reviews.note IS 'Free-text note.';
COMMENT ON COLUMN reviews.decided_at IS 'When (UTC).';

CREATE TABLE IF NOT EXISTS observations (
    observation_id            VARCHAR PRIMARY KEY,
    source                    VARCHAR NOT NULL,
    source_file               VARCHAR,
    source_row                INTEGER,
    paper_key                 VARCHAR NOT NULL,
    arxiv_id                  VARCHAR,
    title                     VARCHAR,
    paper_link                VARCHAR,
    model_name                VARCHAR NOT NULL,
    year                      INTEGER,
    benchmark                 VARCHAR NOT NULL,
    metric                    VARCHAR NOT NULL,
    score                     DOUBLE NOT NULL,
    ops_per_forward_pass_flop DOUBLE,
    parameters                DOUBLE,
    epochs                    DOUBLE,
    training_set_size         DOUBLE,
    training_time_s           DOUBLE,
    chip_model                VARCHAR,
    chip_count                DOUBLE,
    peak_flops_per_s          DOUBLE,
    network_operations_flop   DOUBLE,
    hardware_burden_flop      DOUBLE,
    finding_ids               VARCHAR[],
    raw                       JSON,
    imported_at               TIMESTAMP NOT NULL
);
COMMENT ON TABLE observations IS 'Curated observations: one (paper, model, benchmark, metric) with score and compute. Only these enter fits.';
COMMENT ON COLUMN observations.observation_id IS 'Hash of (source, source_file, paper_key, model_name, benchmark, metric).';
COMMENT ON COLUMN observations.source IS 'thompson2022 (the authors published hand-curated data) or reviewed (accepted/corrected findings).';
COMMENT ON COLUMN observations.source_file IS 'File the row came from (reference CSV name).';
COMMENT ON COLUMN observations.source_row IS 'Line number in source_file (1-based, header lines counted).';
COMMENT ON COLUMN observations.paper_key IS 'arXiv id when the paper link is arXiv, else the normalised title.';
COMMENT ON COLUMN observations.arxiv_id IS 'arXiv id without version, when known.';
COMMENT ON COLUMN observations.title IS 'Paper title.';
COMMENT ON COLUMN observations.paper_link IS 'Link to the paper as given by the source.';
COMMENT ON COLUMN observations.model_name IS 'Model name (e.g. ResNet-152).';
COMMENT ON COLUMN observations.year IS 'Publication year.';
COMMENT ON COLUMN observations.benchmark IS 'imagenet, coco, squad11, conll2003, wmt14_en_de or wmt14_en_fr.';
COMMENT ON COLUMN observations.metric IS 'top1, top5, box_ap, em, f1 or bleu.';
COMMENT ON COLUMN observations.score IS 'Score in percent (ImageNet as accuracy), or BLEU points.';
COMMENT ON COLUMN observations.ops_per_forward_pass_flop IS 'Operations per forward pass in FLOP (flops, else 2 x multiply-adds).';
COMMENT ON COLUMN observations.parameters IS 'Number of parameters.';
COMMENT ON COLUMN observations.epochs IS 'Training epochs.';
COMMENT ON COLUMN observations.training_set_size IS 'Training-set size in examples.';
COMMENT ON COLUMN observations.training_time_s IS 'Training wall time in seconds.';
COMMENT ON COLUMN observations.chip_model IS 'Training chip model (as the source names it).';
COMMENT ON COLUMN observations.chip_count IS 'Number of training chips.';
COMMENT ON COLUMN observations.peak_flops_per_s IS 'FP32 peak FLOP/s per chip (TPUs per board, as in the reference data).';
COMMENT ON COLUMN observations.network_operations_flop IS 'Network operations in FLOP: ops per forward pass x 3 (forward+backward) x epochs x training-set size.';
COMMENT ON COLUMN observations.hardware_burden_flop IS 'Hardware burden in FLOP: sum over chip types of chips x FP32 peak FLOP/s x training seconds.';
COMMENT ON COLUMN observations.finding_ids IS 'findings.finding_id values behind the row (reviewed source).';
COMMENT ON COLUMN observations.raw IS 'The source row as JSON, for traceability.';
COMMENT ON COLUMN observations.imported_at IS 'When imported (UTC).';

CREATE TABLE IF NOT EXISTS runs (
    run_id              VARCHAR PRIMARY KEY,
    flow_run_id         VARCHAR,
    command             VARCHAR NOT NULL,
    source              VARCHAR,
    started_at          TIMESTAMP NOT NULL,
    finished_at         TIMESTAMP,
    status              VARCHAR NOT NULL,
    papers_seen         INTEGER,
    papers_new          INTEGER,
    documents_extracted INTEGER,
    findings_new        INTEGER,
    fits_written        INTEGER,
    counts              JSON,
    error               VARCHAR
);
COMMENT ON TABLE runs IS 'One row per flow run or command that wrote to the warehouse.';
COMMENT ON COLUMN runs.run_id IS 'Random UUID of the run.';
COMMENT ON COLUMN runs.flow_run_id IS 'Prefect flow run id, when run as a flow.';
COMMENT ON COLUMN runs.command IS 'nightly, import-reference or refit.';
COMMENT ON COLUMN runs.source IS 'Source spec (arxiv or dir:PATH) or reference folder.';
COMMENT ON COLUMN runs.started_at IS 'Start (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'End (UTC), NULL while running or if the process died.';
COMMENT ON COLUMN runs.status IS 'running, completed or failed.';
COMMENT ON COLUMN runs.papers_seen IS 'Papers the source listed.';
COMMENT ON COLUMN runs.papers_new IS 'Papers not in the warehouse before this run.';
COMMENT ON COLUMN runs.documents_extracted IS 'Documents extracted in this run (already-extracted ones are skipped).';
COMMENT ON COLUMN runs.findings_new IS 'Findings rows added.';
COMMENT ON COLUMN runs.fits_written IS 'Fits rows added.';
COMMENT ON COLUMN runs.counts IS 'Counts as JSON: documents by status, findings by kind.';
COMMENT ON COLUMN runs.error IS 'Error message of a failed run.';

CREATE TABLE IF NOT EXISTS fits (
    fit_id            VARCHAR PRIMARY KEY,
    benchmark         VARCHAR NOT NULL,
    metric            VARCHAR NOT NULL,
    compute_measure   VARCHAR NOT NULL,
    model_form        VARCHAR NOT NULL,
    response          VARCHAR NOT NULL,
    n                 INTEGER NOT NULL,
    slope             DOUBLE,
    intercept         DOUBLE,
    slope_se          DOUBLE,
    slope_ci_low      DOUBLE,
    slope_ci_high     DOUBLE,
    r2                DOUBLE,
    implied_power_k   DOUBLE,
    k_ci_low          DOUBLE,
    k_ci_high         DOUBLE,
    input_hash        VARCHAR NOT NULL,
    code_version      VARCHAR NOT NULL,
    observation_ids   VARCHAR[],
    created_at        TIMESTAMP NOT NULL,
    run_id            VARCHAR
);
COMMENT ON TABLE fits IS 'Scaling-law fits: response = intercept + slope x log10(compute). A refit on unchanged input adds no row.';
COMMENT ON COLUMN fits.fit_id IS 'Hash of (benchmark, metric, compute_measure, model_form, input_hash, code_version).';
COMMENT ON COLUMN fits.benchmark IS 'imagenet, coco, squad11, conll2003, wmt14_en_de or wmt14_en_fr.';
COMMENT ON COLUMN fits.metric IS 'top1, top5, box_ap, em, f1 or bleu.';
COMMENT ON COLUMN fits.compute_measure IS 'ops_per_forward_pass, network_operations or hardware_burden (all in FLOP).';
COMMENT ON COLUMN fits.model_form IS 'polynomial: OLS of the response on log10(compute).';
COMMENT ON COLUMN fits.response IS 'log10_error: log10(1 - score/100) (ImageNet); log10_inv_one_minus_score: log10(1/(1 - score/100)) (others).';
COMMENT ON COLUMN fits.n IS 'Number of observations used.';
COMMENT ON COLUMN fits.slope IS 'Slope b (response units per decade of compute).';
COMMENT ON COLUMN fits.intercept IS 'Intercept a (response at 1 FLOP).';
COMMENT ON COLUMN fits.slope_se IS 'Standard error of the slope (OLS).';
COMMENT ON COLUMN fits.slope_ci_low IS 'Lower end of the 95% CI of the slope (t distribution, n-2 df).';
COMMENT ON COLUMN fits.slope_ci_high IS 'Upper end of the 95% CI of the slope.';
COMMENT ON COLUMN fits.r2 IS 'Coefficient of determination R^2.';
COMMENT ON COLUMN fits.implied_power_k IS 'Implied polynomial power k = 1/|slope|: compute grows as (1/error)^k.';
COMMENT ON COLUMN fits.k_ci_low IS 'Lower end of the 95% CI of k (1/|CI end| farthest from 0).';
COMMENT ON COLUMN fits.k_ci_high IS 'Upper end of the 95% CI of k; NULL (unbounded) when the slope CI crosses 0.';
COMMENT ON COLUMN fits.input_hash IS 'SHA-256 of the sorted (observation_id, x, y) inputs.';
COMMENT ON COLUMN fits.code_version IS 'compute-limits analysis version that made the fit.';
COMMENT ON COLUMN fits.observation_ids IS 'observations.observation_id values used, sorted.';
COMMENT ON COLUMN fits.created_at IS 'When the fit was made (UTC).';
COMMENT ON COLUMN fits.run_id IS 'runs.run_id of the run that made it.';

INSERT INTO schema_migrations
SELECT 1, 'initial schema', now()::TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 1);

-- Version 2: every scaling-law form x compute measure, bootstrap intervals, algorithmic progress
-- (analysis/forms.py). Columns are added in place; rows of version 1 keep their meaning and read
-- NULL in the new columns.
ALTER TABLE fits ADD COLUMN IF NOT EXISTS settings JSON;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS ci_method VARCHAR;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS residual_se DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS year_coef DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS year_coef_se DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS year_coef_ci_low DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS year_coef_ci_high DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS compute_per_year DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS compute_per_year_ci_low DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS compute_per_year_ci_high DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS compute_per_3_years DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS boot_reps INTEGER;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS boot_slope_ci_low DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS boot_slope_ci_high DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS boot_k_ci_low DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS boot_k_ci_high DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS boot_compute_per_year_ci_low DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS boot_compute_per_year_ci_high DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS halving_compute_factor DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS theory_k DOUBLE;
ALTER TABLE fits ADD COLUMN IF NOT EXISTS x_ref DOUBLE;
COMMENT ON COLUMN fits.model_form IS 'polynomial: OLS of the response on log10(compute); polynomial_year: plus c x (year - year_base); exponential: OLS of 1/error on log10(compute); quantile: q-th quantile regression (exact LP optimum); record_frontier: polynomial on record-setting points only; huber: Huber loss on natural-log residuals, multi-start L-BFGS (analysis/forms.py).';
COMMENT ON COLUMN fits.compute_measure IS 'ops_per_forward_pass, network_operations, hardware_burden (FP32 peak x time, Thompson et al.) or hardware_burden_epoch (precision-matched peak x utilisation x time, after Epoch AI); all in FLOP.';
COMMENT ON COLUMN fits.response IS 'log10_error: log10(1 - score/100) (ImageNet); log10_inv_one_minus_score: log10(1/(1 - score/100)) (others); inv_error: 1/(1 - score/100) (exponential form).';
COMMENT ON COLUMN fits.slope_ci_low IS 'Lower end of the CI of the slope: analytic t interval (n - p df) where ci_method = t, bootstrap percentile interval where ci_method = bootstrap (quantile, huber).';
COMMENT ON COLUMN fits.slope_ci_high IS 'Upper end of the CI of the slope (method in ci_method).';
COMMENT ON COLUMN fits.r2 IS 'Coefficient of determination 1 - RSS/TSS of the fitted line; for quantile and huber a descriptive value (not the criterion they optimise).';
COMMENT ON COLUMN fits.implied_power_k IS 'Implied polynomial power k = 1/|slope|: compute grows as (1/error)^k; NULL for the exponential form (no power law).';
COMMENT ON COLUMN fits.input_hash IS 'Version 1 rows: SHA-256 of the sorted (observation_id, x, y) inputs. From version 2: SHA-256 of that hash, the years (year form) and the settings JSON.';
COMMENT ON COLUMN fits.settings IS 'Settings of the fit as JSON: bootstrap_reps, confidence, bootstrap_seed_name, and per form quantile, huber_delta (natural-log residuals), year_base, normalised_to.';
COMMENT ON COLUMN fits.ci_method IS 'How slope_ci_low/high were made: t (analytic OLS) or bootstrap (percentile).';
COMMENT ON COLUMN fits.residual_se IS 'Residual standard error of OLS forms, response units (for prediction intervals).';
COMMENT ON COLUMN fits.year_coef IS 'Year coefficient c of polynomial_year: response units per year.';
COMMENT ON COLUMN fits.year_coef_se IS 'Standard error of c (OLS).';
COMMENT ON COLUMN fits.year_coef_ci_low IS 'Lower end of the CI of c (t, n - 3 df).';
COMMENT ON COLUMN fits.year_coef_ci_high IS 'Upper end of the CI of c.';
COMMENT ON COLUMN fits.compute_per_year IS 'Algorithmic progress as compute equivalent: one year of progress is worth 10^(c/slope) times the compute at equal error (x, dimensionless).';
COMMENT ON COLUMN fits.compute_per_year_ci_low IS 'Lower end of the CI of compute_per_year (delta method on c/slope, t, n - 3 df).';
COMMENT ON COLUMN fits.compute_per_year_ci_high IS 'Upper end of the CI of compute_per_year (delta method).';
COMMENT ON COLUMN fits.compute_per_3_years IS 'Compute equivalent of three years of algorithmic progress, 10^(3 c/slope) (x).';
COMMENT ON COLUMN fits.boot_reps IS 'Case-bootstrap resamples that gave a finite slope (of settings.bootstrap_reps drawn).';
COMMENT ON COLUMN fits.boot_slope_ci_low IS 'Lower end of the bootstrap percentile CI of the slope.';
COMMENT ON COLUMN fits.boot_slope_ci_high IS 'Upper end of the bootstrap percentile CI of the slope.';
COMMENT ON COLUMN fits.boot_k_ci_low IS 'Lower end of the CI of k from the bootstrap slope CI.';
COMMENT ON COLUMN fits.boot_k_ci_high IS 'Upper end of the CI of k from the bootstrap slope CI; NULL (unbounded) when it crosses 0.';
COMMENT ON COLUMN fits.boot_compute_per_year_ci_low IS 'Lower end of the bootstrap percentile CI of compute_per_year.';
COMMENT ON COLUMN fits.boot_compute_per_year_ci_high IS 'Upper end of the bootstrap percentile CI of compute_per_year.';
COMMENT ON COLUMN fits.halving_compute_factor IS 'Compute factor that halves the error, 2^k (x).';
COMMENT ON COLUMN fits.theory_k IS 'Theoretical floor of k beside the fit (4, Thompson et al. 2022 sec. 2).';
COMMENT ON COLUMN fits.x_ref IS 'log10 compute (FLOP) of the normalising model (settings.normalised_to) for the quantile form; the stored intercept stays on the raw log10(FLOP) scale.';

INSERT INTO schema_migrations
SELECT 2, 'fits: model forms, bootstrap intervals, algorithmic progress', now()::TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 2);

-- Migration 4: harvest watermarks (incremental arXiv harvesting, flows/nightly.py).
CREATE TABLE IF NOT EXISTS harvest_watermarks (
    query_key          VARCHAR PRIMARY KEY,
    query              VARCHAR NOT NULL,
    last_submitted_at  TIMESTAMP NOT NULL,
    papers_seen        BIGINT NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    run_id             VARCHAR
);
COMMENT ON TABLE harvest_watermarks IS 'Per arXiv query, the latest submission date harvested: the next run asks only for the window since then (minus an overlap).';
COMMENT ON COLUMN harvest_watermarks.query_key IS 'Hash of the query definition (categories and keywords of flows/harvest.toml).';
COMMENT ON COLUMN harvest_watermarks.query IS 'The arXiv search_query without its date window.';
COMMENT ON COLUMN harvest_watermarks.last_submitted_at IS 'Latest first-submission time (UTC) among papers harvested for this query; never moves backwards.';
COMMENT ON COLUMN harvest_watermarks.papers_seen IS 'Papers listed for this query over all runs (with repeats from overlapping windows).';
COMMENT ON COLUMN harvest_watermarks.updated_at IS 'When the watermark was last written (UTC).';
COMMENT ON COLUMN harvest_watermarks.run_id IS 'runs.run_id of the run that last moved it.';

INSERT INTO schema_migrations
SELECT 4, 'harvest watermarks', now()::TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 4);

-- Version 3: review decisions keep the finding value they were made on, so a re-extraction that
-- reads a different value at the same place marks the decision stale (warehouse/review.py).
-- Decisions recorded before version 3 read NULL in these columns and are never marked stale.
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS finding_value DOUBLE;
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS finding_value_text VARCHAR;
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS finding_extractor_version VARCHAR;
COMMENT ON COLUMN reviews.review_id IS 'Hash of (finding_id, decision, value, value_text, reviewer, decided_at).';
COMMENT ON COLUMN reviews.decision IS 'accept, reject or correct (the latest row per finding counts; see the view finding_status).';
COMMENT ON COLUMN reviews.value IS 'Corrected value in unit (correct only; NULL for accept and reject).';
COMMENT ON COLUMN reviews.unit IS 'Unit of the corrected value (correct only): one of the finding kind''s units (extract/models.py KIND_UNITS).';
COMMENT ON COLUMN reviews.reviewer IS 'Who decided ($USER of the reviewer unless given).';
COMMENT ON COLUMN reviews.decided_at IS 'When the decision was made (UTC); strictly increasing per finding.';
COMMENT ON COLUMN reviews.finding_value IS 'findings.value (in findings.unit) when the decision was made; the decision is stale once findings.value differs. NULL before version 3.';
COMMENT ON COLUMN reviews.finding_value_text IS 'findings.value_text when the decision was made (chip key for chip_model), compared like finding_value.';
COMMENT ON COLUMN reviews.finding_extractor_version IS 'findings.extractor_version when the decision was made; NULL for decisions recorded before version 3 (never stale).';

-- The review status of every finding, derived from its latest decision. Refits use accepted and
-- corrected findings only; pending and stale ones wait in the review queue.
CREATE OR REPLACE VIEW finding_status AS
WITH latest AS (
    SELECT r.*, count(*) OVER (PARTITION BY r.finding_id) AS review_count
    FROM reviews r
    QUALIFY row_number() OVER (PARTITION BY r.finding_id ORDER BY r.decided_at DESC, r.review_id DESC) = 1
)
SELECT
    f.finding_id, f.paper_id, f.document_id, f.kind, f.benchmark, f.metric, f.model_label,
    f.value, f.value_text, f.unit, f.page, f.extractor_version,
    CASE
        WHEN l.finding_id IS NULL THEN 'pending'
        WHEN l.finding_extractor_version IS NOT NULL
             AND (l.finding_value IS DISTINCT FROM f.value OR l.finding_value_text IS DISTINCT FROM f.value_text)
            THEN 'stale'
        WHEN l.decision = 'accept' THEN 'accepted'
        WHEN l.decision = 'reject' THEN 'rejected'
        WHEN l.decision = 'correct' THEN 'corrected'
        ELSE 'pending'
    END AS status,
    l.decision, l.review_id, l.reviewer, l.note, l.decided_at,
    l.finding_value AS decided_on_value, l.finding_value_text AS decided_on_value_text,
    CASE WHEN l.decision = 'correct' THEN l.value ELSE f.value END AS reviewed_value,
    CASE WHEN l.decision = 'correct' THEN coalesce(l.value_text, f.value_text) ELSE f.value_text END AS reviewed_value_text,
    CASE WHEN l.decision = 'correct' THEN coalesce(l.unit, f.unit) ELSE f.unit END AS reviewed_unit,
    coalesce(l.review_count, 0) AS review_count
FROM findings f
LEFT JOIN latest l ON l.finding_id = f.finding_id;
COMMENT ON VIEW finding_status IS 'Review status per finding from its latest decision: pending (none), accepted, rejected, corrected, or stale (decided on a value re-extraction has since changed; back in the queue).';
COMMENT ON COLUMN finding_status.finding_id IS 'findings.finding_id.';
COMMENT ON COLUMN finding_status.paper_id IS 'papers.paper_id.';
COMMENT ON COLUMN finding_status.document_id IS 'documents.document_id the current value was read from.';
COMMENT ON COLUMN finding_status.kind IS 'findings.kind.';
COMMENT ON COLUMN finding_status.benchmark IS 'findings.benchmark (scores).';
COMMENT ON COLUMN finding_status.metric IS 'findings.metric (scores).';
COMMENT ON COLUMN finding_status.model_label IS 'findings.model_label.';
COMMENT ON COLUMN finding_status.value IS 'Current extracted value, in unit (findings.value).';
COMMENT ON COLUMN finding_status.value_text IS 'Current extracted textual value (findings.value_text).';
COMMENT ON COLUMN finding_status.unit IS 'Unit of value (findings.unit).';
COMMENT ON COLUMN finding_status.page IS 'Page number, 1-based.';
COMMENT ON COLUMN finding_status.extractor_version IS 'Extractor version of the current value.';
COMMENT ON COLUMN finding_status.status IS 'pending, accepted, rejected, corrected or stale; pending and stale form the review queue.';
COMMENT ON COLUMN finding_status.decision IS 'Latest decision: accept, reject, correct, or NULL when none.';
COMMENT ON COLUMN finding_status.review_id IS 'reviews.review_id of the latest decision.';
COMMENT ON COLUMN finding_status.reviewer IS 'Who made the latest decision.';
COMMENT ON COLUMN finding_status.note IS 'Note of the latest decision.';
COMMENT ON COLUMN finding_status.decided_at IS 'When the latest decision was made (UTC).';
COMMENT ON COLUMN finding_status.decided_on_value IS 'The finding value the latest decision was made on (differs from value when stale).';
COMMENT ON COLUMN finding_status.decided_on_value_text IS 'The finding value_text the latest decision was made on.';
COMMENT ON COLUMN finding_status.reviewed_value IS 'Value to use, in reviewed_unit: the corrected value for correct, else the extracted value. Use only where status is accepted or corrected.';
COMMENT ON COLUMN finding_status.reviewed_value_text IS 'Textual value to use (corrected chip key for a corrected chip_model).';
COMMENT ON COLUMN finding_status.reviewed_unit IS 'Unit of reviewed_value.';
COMMENT ON COLUMN finding_status.review_count IS 'Number of decisions recorded for the finding (history kept in reviews).';

INSERT INTO schema_migrations
SELECT 3, 'reviews: value decided on, finding_status view (stale decisions)', now()::TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 3);
