{#- `dbt run-operation register_parquet_sources --args '{path: DIR}'` (Spark): declares the folder
    scripts/export_parquet.py wrote as the raw tables the intercom sources read, replacing any
    earlier declaration. The path must be absolute or a URI the cluster can read (s3://, abfss://). -#}
{% macro register_parquet_sources(path) %}
    {%- set schema = var('intercom_raw_schema') -%}
    {%- do run_query('create schema if not exists ' ~ schema) -%}
    {%- for table in ['messages', 'conversations', 'load_rejects', 'load_files'] -%}
        {%- do run_query('drop table if exists ' ~ schema ~ '.' ~ table) -%}
        {%- do run_query(
            'create table ' ~ schema ~ '.' ~ table ~ " using parquet location '" ~ path ~ '/' ~ table ~ "'"
        ) -%}
        {{- log('registered ' ~ schema ~ '.' ~ table ~ ' from ' ~ path ~ '/' ~ table, info=true) -}}
    {%- endfor -%}
{% endmacro %}
