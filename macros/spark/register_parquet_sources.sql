{#- `dbt run-operation register_parquet_sources --args '{path: DIR}'` (Spark): declares the folder
    `intercom-sla export-parquet` wrote as the tables of the `intercom` source, replacing any earlier
    declaration; DIR/<table> for each table _intercom__sources.yml lists. The path must be absolute
    or a URI the cluster can read (s3://, abfss://). -#}
{% macro register_parquet_sources(path) %}
    {%- set raw_tables = graph.sources.values() | selectattr('source_name', 'equalto', 'intercom') | list -%}
    {%- do run_query('create schema if not exists ' ~ raw_tables[0].schema) -%}
    {%- for table in raw_tables -%}
        {%- set relation = table.schema ~ '.' ~ table.identifier -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- do run_query(
            'create table ' ~ relation ~ " using parquet location '" ~ path ~ '/' ~ table.identifier ~ "'"
        ) -%}
        {{- log('registered ' ~ relation ~ ' from ' ~ path ~ '/' ~ table.identifier, info=true) -}}
    {%- endfor -%}
{% endmacro %}
