-- Conversations the loaded data says are gone (SPEC §1 D): those `intercom-sla pull` found deleted in
-- Intercom. They leave the staged messages and conversations, and so every mart; the data-quality
-- model lists them. A database never pulled into has no such table and reads an empty list.
with

deleted as (

    {% if relation_exists(source('intercom', 'pull_deleted')) -%}
        select
            conversation_id,
            api_url as _source_file
        from {{ source('intercom', 'pull_deleted') }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as conversation_id,
            cast(null as {{ dbt.type_string() }}) as _source_file
        where false
    {%- endif %}

),

final as (

    select
        trim(conversation_id) as conversation_id,
        'deleted' as reason,
        cast(null as {{ dbt.type_bigint() }}) as part_count,
        max(_source_file) as source_file
    from deleted
    group by trim(conversation_id)

)

select * from final
