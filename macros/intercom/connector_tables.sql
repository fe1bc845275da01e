{#- The current version of each record of a connector's table (SPEC §1 D), shared by the staging models of
    one source. -#}

{#- The current version of each record of `relation` (columns: `key`, is_active, is_deleted and those in
    `newest_first`): the active row where the connector marks rows active (Fivetran's history mode), else
    the first in `newest_first` order; is_deleted when no row is active or the current row is deleted. -#}
{% macro current_versions(relation, key, newest_first) -%}
    select
        *,
        coalesce(is_active = false, false) or coalesce(is_deleted, false) as is_gone
    from (
        select
            *,
            row_number() over (
                partition by {{ key }}
                order by case when is_active = false then 1 else 0 end, {{ newest_first }}
            ) as version_rank
        from {{ relation }}
    ) as versions
    where version_rank = 1
{%- endmacro %}


{#- Fivetran's conversation_history, one row per version, with its timestamps read whatever type they
    were written in and the columns the rules can do without read as null where absent. -#}
{% macro fivetran_conversation_versions() -%}
    {%- set history = source('fivetran_intercom', 'conversation_history') -%}
    select
        cast({{ required_column(history, 'id') }} as {{ dbt.type_string() }}) as conversation_id,
        {{ connector_timestamp(history, 'created_at', required=true) }} as created_at,
        {{ connector_timestamp(history, 'updated_at') }} as updated_at,
        {{ connector_timestamp(history, '_fivetran_synced') }} as synced_at,
        cast({{ column_or_null(history, '_fivetran_active', 'boolean') }} as boolean) as is_active,
        cast({{ column_or_null(history, '_fivetran_deleted', 'boolean') }} as boolean) as is_deleted,
        cast({{ column_or_null(history, 'state', dbt.type_string()) }} as {{ dbt.type_string() }}) as state,
        cast({{ column_or_null(history, 'priority', dbt.type_string()) }} as {{ dbt.type_string() }}) as priority,
        cast({{ column_or_null(history, 'assignee_id', dbt.type_string()) }} as {{ dbt.type_string() }})
            as assignee_id,
        cast({{ column_or_null(history, 'assignee_type', dbt.type_string()) }} as {{ dbt.type_string() }})
            as assignee_type,
        cast({{ column_or_null(history, 'source_id', dbt.type_string()) }} as {{ dbt.type_string() }}) as source_id,
        cast({{ column_or_null(history, 'source_author_id', dbt.type_string()) }} as {{ dbt.type_string() }})
            as source_author_id,
        cast({{ required_column(history, 'source_author_type') }} as {{ dbt.type_string() }}) as source_author_type,
        cast({{ column_or_null(history, 'source_body', dbt.type_string()) }} as {{ dbt.type_string() }})
            as source_body,
        {{ connector_timestamp(history, 'first_contact_reply_created_at') }} as first_contact_reply_created_at,
        cast({{ column_or_null(history, 'sla_name', dbt.type_string()) }} as {{ dbt.type_string() }}) as sla_name,
        cast({{ column_or_null(history, 'sla_status', dbt.type_string()) }} as {{ dbt.type_string() }}) as sla_status
    from {{ history }}
{%- endmacro %}


{#- The current version of each Fivetran conversation (is_gone: deleted in either Fivetran mode). -#}
{% macro fivetran_current_conversations() -%}
    with conversation_versions as (

        {{ fivetran_conversation_versions() }}

    )

    {{ current_versions('conversation_versions', 'conversation_id', 'updated_at desc, synced_at desc') }}
{%- endmacro %}


{#- The current version of each Fivetran conversation part (is_gone: deleted in either Fivetran mode). -#}
{% macro fivetran_current_parts() -%}
    {%- set history = source('fivetran_intercom', 'conversation_part_history') -%}
    with part_versions as (

        select
            cast({{ required_column(history, 'id') }} as {{ dbt.type_string() }}) as part_id,
            cast({{ required_column(history, 'conversation_id') }} as {{ dbt.type_string() }}) as conversation_id,
            {{ connector_timestamp(history, 'created_at', required=true) }} as created_at,
            {{ connector_timestamp(history, 'updated_at') }} as updated_at,
            {{ connector_timestamp(history, '_fivetran_synced') }} as synced_at,
            cast({{ column_or_null(history, '_fivetran_active', 'boolean') }} as boolean) as is_active,
            cast({{ column_or_null(history, '_fivetran_deleted', 'boolean') }} as boolean) as is_deleted,
            cast({{ required_column(history, 'part_type') }} as {{ dbt.type_string() }}) as part_type,
            cast({{ required_column(history, 'author_type') }} as {{ dbt.type_string() }}) as author_type,
            cast({{ column_or_null(history, 'author_id', dbt.type_string()) }} as {{ dbt.type_string() }}) as author_id,
            cast({{ column_or_null(history, 'body', dbt.type_string()) }} as {{ dbt.type_string() }}) as body,
            cast({{ column_or_null(history, 'assigned_to_id', dbt.type_string()) }} as {{ dbt.type_string() }})
                as assigned_to_id,
            cast({{ column_or_null(history, 'assigned_to_type', dbt.type_string()) }} as {{ dbt.type_string() }})
                as assigned_to_type
        from {{ history }}

    )

    {{ current_versions('part_versions', 'part_id', 'updated_at desc, synced_at desc') }}
{%- endmacro %}


{#- The current version of each conversation in Airbyte's `conversations` table (append syncs keep every
    version; is_gone: deleted by a CDC sync, `_ab_cdc_deleted_at`), its timestamps read whatever type
    they were written in and the columns the rules can do without read as null where absent. -#}
{% macro airbyte_current_conversations() -%}
    {%- set records = source('airbyte_intercom', 'conversations') -%}
    with conversation_versions as (

        select
            cast({{ required_column(records, 'id') }} as {{ dbt.type_string() }}) as conversation_id,
            {{ connector_timestamp(records, 'created_at', required=true) }} as created_at,
            {{ connector_timestamp(records, 'updated_at') }} as updated_at,
            {{ connector_timestamp(records, '_airbyte_extracted_at') }} as synced_at,
            cast(null as boolean) as is_active,
            {{ connector_timestamp(records, '_ab_cdc_deleted_at') }} is not null as is_deleted,
            cast({{ column_or_null(records, 'state', dbt.type_string()) }} as {{ dbt.type_string() }}) as state,
            cast({{ column_or_null(records, 'priority', dbt.type_string()) }} as {{ dbt.type_string() }})
                as priority,
            cast({{ column_or_null(records, 'admin_assignee_id', dbt.type_string()) }} as {{ dbt.type_string() }})
                as admin_assignee_id,
            cast({{ column_or_null(records, 'team_assignee_id', dbt.type_string()) }} as {{ dbt.type_string() }})
                as team_assignee_id,
            {{ required_column(records, 'source') }} as source,
            {{ column_or_null(records, 'contacts', 'json') }} as contacts,
            {{ column_or_null(records, 'tags', 'json') }} as tags,
            {{ column_or_null(records, 'statistics', 'json') }} as statistics,
            {{ column_or_null(records, 'sla_applied', 'json') }} as sla_applied
        from {{ records }}

    )

    {{ current_versions('conversation_versions', 'conversation_id', 'updated_at desc, synced_at desc') }}
{%- endmacro %}


{#- The current version of each part in Airbyte's `conversation_parts` table (is_gone: deleted by a CDC
    sync). -#}
{% macro airbyte_current_parts() -%}
    {%- set records = source('airbyte_intercom', 'conversation_parts') -%}
    with part_versions as (

        select
            cast({{ required_column(records, 'id') }} as {{ dbt.type_string() }}) as part_id,
            cast({{ required_column(records, 'conversation_id') }} as {{ dbt.type_string() }}) as conversation_id,
            {{ connector_timestamp(records, 'created_at', required=true) }} as created_at,
            {{ connector_timestamp(records, 'updated_at') }} as updated_at,
            {{ connector_timestamp(records, '_airbyte_extracted_at') }} as synced_at,
            cast(null as boolean) as is_active,
            {{ connector_timestamp(records, '_ab_cdc_deleted_at') }} is not null as is_deleted,
            cast({{ required_column(records, 'part_type') }} as {{ dbt.type_string() }}) as part_type,
            cast({{ column_or_null(records, 'body', dbt.type_string()) }} as {{ dbt.type_string() }}) as body,
            {{ required_column(records, 'author') }} as author,
            {{ column_or_null(records, 'assigned_to', 'json') }} as assigned_to
        from {{ records }}

    )

    {{ current_versions('part_versions', 'part_id', 'updated_at desc, synced_at desc') }}
{%- endmacro %}


{#- The conversations of a connector's tables that leave every mart (SPEC §1 D), from the current versions
    `conversations` and `parts` (relations with conversation_id and is_gone), one row per conversation
    and reason: `deleted`, and `orphan_parts` (current parts whose conversation the conversation table
    does not hold, with how many). -#}
{% macro conversations_excluded(conversations, parts, conversations_table, parts_table) -%}
    select
        conversation_id,
        'deleted' as reason,
        cast(null as {{ dbt.type_bigint() }}) as part_count,
        '{{ conversations_table }}' as source_file
    from {{ conversations }}
    where is_gone

    union all

    select
        {{ parts }}.conversation_id,
        'orphan_parts' as reason,
        count(*) as part_count,
        '{{ parts_table }}' as source_file
    from {{ parts }}
    left join {{ conversations }}
        on {{ parts }}.conversation_id = {{ conversations }}.conversation_id
    where {{ conversations }}.conversation_id is null and not {{ parts }}.is_gone
    group by {{ parts }}.conversation_id
{%- endmacro %}
