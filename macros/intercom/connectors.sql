{#- Shared by the connector staging models (SPEC §1 D): the shapes every source is staged into. -#}

{#- A timestamp a connector writes in UTC (naive or with a zone) as a timestamptz. -#}
{% macro connector_utc_timestamp(column) -%}
    {{ local_to_utc('cast(' ~ column ~ ' as ' ~ dbt.type_timestamp() ~ ')', "'UTC'") }}
{%- endmacro %}


{#- The columns of a connector's table as the warehouse reports them (name lower-cased -> column); empty
    while dbt parses. -#}
{% macro connector_columns(relation) -%}
    {%- set columns = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do columns.update({column.name | lower: column}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- A column every rule needs (SPEC §1 D: ids, created_at, part_type, author type): the column, or one
    error naming the table and the column when the connector did not write it. -#}
{% macro required_column(relation, column) -%}
    {%- set columns = connector_columns(relation) -%}
    {%- if execute and column | lower not in columns -%}
        {{ exceptions.raise_compiler_error(
            "intercom_sla: the table " ~ relation ~ " has no column " ~ column
            ~ ", which the SLA rules need (SPEC §1 D); re-enable it in the connector or sync it again") }}
    {%- endif -%}
    {{ column }}
{%- endmacro %}


{#- A timestamp column of a connector's table as a timestamptz, whatever type the connector wrote it in
    (SPEC §1, §1 D): a timestamp as UTC, a number as epoch seconds, text as timestamp_from_text reads it
    (an unreadable value stops the build naming the table, the column and the value); null where this
    connector version does not write the column, unless it is required. -#}
{% macro connector_timestamp(relation, column, required=false) -%}
    {%- set found = connector_columns(relation).get(column | lower) -%}
    {%- set data_type = (found.dtype if found is not none else '') | lower -%}
    {%- if required -%}
        {%- do required_column(relation, column) -%}
    {%- endif -%}
    {%- if execute and found is none -%}
        {{ connector_utc_timestamp('null') }}
    {%- elif 'char' in data_type or 'text' in data_type or 'string' in data_type -%}
        {{ timestamp_from_text(column, relation.identifier ~ '.' ~ column) }}
    {%- elif 'int' in data_type or 'double' in data_type or 'float' in data_type or 'numeric' in data_type
        or 'decimal' in data_type or 'real' in data_type -%}
        {{ epoch_text_to_timestamp(column) }}
    {%- else -%}
        {{ connector_utc_timestamp(column) }}
    {%- endif -%}
{%- endmacro %}


{#- The latest version of each record of a connector's table that keeps every version (Fivetran's
    history mode, Airbyte's append syncs): one row per `key`, the first in `newest_first` order. -#}
{% macro latest_versions(relation, key, newest_first) -%}
    select *
    from (
        select
            *,
            row_number() over (partition by {{ key }} order by {{ newest_first }}) as version_rank
        from {{ relation }}
    ) as versions
    where version_rank = 1
{%- endmacro %}


{#- Whether an Intercom body holds anything to read beyond HTML tags, `&nbsp;` and white space; a null
    body holds nothing. The loader applies the same rule to the bodies it does not keep
    (load/validation.py has_text_sql); tests/test_body_rule.py holds the two to the same answers. -#}
{% macro body_has_text(column) -%}
    {{ return(adapter.dispatch('body_has_text', 'intercom_sla')(column)) }}
{%- endmacro %}

{% macro default__body_has_text(column) -%}
    (regexp_replace(coalesce({{ column }}, ''), '<[^>]*>|&nbsp;|\s', '', 'g') <> '')
{%- endmacro %}

{% macro spark__body_has_text(column) -%}
    (regexp_replace(coalesce({{ column }}, ''), '<[^>]*>|&nbsp;|\\s', '') <> '')
{%- endmacro %}


{% macro replayed_owners(relation, tie_breaker) -%}
    {%- set message_order -%}
        created_at, case when intercom_record = 'source' then 0 else 1 end, coalesce(part_position, 0), {{ tie_breaker }}
    {%- endset -%}
    with owner_events as (

        select
            *,
            case
                when assigned_to_type = 'admin' then assigned_to_id
                when assigned_to_type is not null then ''
            end as assignee_set,
            case when assigned_to_type = 'team' then assigned_to_id end as team_set
        from {{ relation }}

    ),

    owners as (

        select
            *,
            {{ last_non_null_over('assignee_set', 'conversation_id', message_order) }} as assignee_at,
            {{ last_non_null_over('team_set', 'conversation_id', message_order) }} as team_at,
            max(case when assigned_to_type is not null then 1 else 0 end) over (
                partition by conversation_id
            ) = 1 as has_assignments
        from owner_events

    )

    select
        *,
        case when has_assignments then nullif(assignee_at, '') else current_admin_id end as replayed_assignee_id,
        case when has_assignments then team_at else current_team_id end as replayed_team_id
    from owners
{%- endmacro %}


{#- A connector's opening messages and parts staged as the loader's messages (the columns of
    stg_intercom__messages), each named by the table it came from. Both relations carry message_id, conversation_id, author_type, part_type,
    body, created_at and synced_at (timestamptz), author_id, assigned_to_type, assigned_to_id,
    current_admin_id, current_team_id, priority and intercom_record (`source` or `part`). -#}
{% macro connector_messages(opening_messages, parts, opening_source_file, part_source_file) -%}
    {%- set columns = [
        'message_id', 'conversation_id', 'author_type', 'part_type', 'body', 'created_at', 'synced_at',
        'author_id', 'assigned_to_type', 'assigned_to_id', 'current_admin_id', 'current_team_id', 'priority',
        'intercom_record'
    ] -%}
    with all_parts as (

        select {{ columns | join(', ') }}, cast(null as {{ dbt.type_bigint() }}) as part_position
        from {{ opening_messages }}
        union all
        select {{ columns | join(', ') }}, cast(null as {{ dbt.type_bigint() }}) as part_position
        from {{ parts }}

    ),

    owned as (

        {{ replayed_owners('all_parts', 'message_id') }}

    )

    select
        message_id as message_key,
        message_id,
        conversation_id,
        {{ intercom_sender_type('author_type') }} as sender_type,
        {{ intercom_part_type('part_type') }} as part_type,
        {{ body_has_text('body') }} as has_body,
        created_at,
        {{ connector_utc_timestamp('null') }} as export_first_response_at,
        nullif(trim(priority), '') as priority,
        replayed_assignee_id as assignee_id,
        cast(null as {{ dbt.type_string() }}) as tags,
        nullif(trim(author_id), '') as author_id,
        replayed_team_id as team_id,
        intercom_record,
        true as records_state_events,
        case
            when intercom_record = 'source' then '{{ opening_source_file }}' else '{{ part_source_file }}'
        end as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_line,
        synced_at as loaded_at
    from owned
{%- endmacro %}
