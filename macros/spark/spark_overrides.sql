{#- Two dbt-spark behaviours overridden for this project. -#}

{#- Seeds: dbt-spark's session method pastes seed values into the insert without escaping
    them, so a holiday named "New Year's Day" breaks the statement. This override writes each value
    as an escaped Spark literal instead; everything else is as dbt-spark does it. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(
            column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))
        ) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                    {%- for value in row -%}
                        cast({{ spark_literal(value) }} as {{ column_types[loop.index0] }})
                        {%- if not loop.last %}, {% endif -%}
                    {%- endfor -%}
                ){%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) if loop.first -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{#- A seed value as a Spark SQL literal: null, a number as it is, text quoted with its quotes escaped. -#}
{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}


{#- Not-null constraints: Spark can only enforce them on Delta (or Iceberg) tables; on the default Parquet
    tables `alter column ... set not null` is an error. There they are skipped with a note, and the
    not_null data test every constrained column also carries checks the same thing after the build. -#}
{% macro spark__alter_column_set_constraints(relation, column_dict) %}
    {%- if config.get('file_format', 'parquet') in ['delta', 'iceberg'] -%}
        {{ return(dbt.spark__alter_column_set_constraints(relation, column_dict)) }}
    {%- endif -%}
    {{- log(relation ~ ': not-null constraints are not enforced on ' ~ config.get('file_format', 'parquet')
        ~ ' tables; the not_null data tests check them', info=false) -}}
{% endmacro %}
