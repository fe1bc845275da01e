{#- the columns every row keeps as staged; the owners are added by the path a row takes -#}
{%- set message_columns -%}
    message_key, message_id, conversation_id, sender_type, part_type, has_body, created_at,
    export_first_response_at, priority, tags, author_id, intercom_record, records_state_events,
    source_file, source_line, loaded_at
{%- endset %}

with

source as (

    select
        message_id,
        conversation_id,
        sender_type,
        part_type,
        created_at,
        first_response_at,
        priority,
        assignee_id,
        tags,
        has_body,
        author_id,
        team_id,
        from_ai_agent,
        _extra_columns,
        _record_key,
        _source_file,
        _source_line,
        _loaded_at
    from {{ source('intercom', 'messages') }}
    {%- if is_incremental() %}
    where trim(conversation_id) in (
        select trim(conversation_id)
        from {{ source('intercom', 'messages') }}
        where {{ loaded_after('_loaded_at', '(select max(loaded_at) from ' ~ this ~ ')') }}
    )
    {%- endif %}

),

deleted as (

    select conversation_id
    from {{ ref('stg_intercom__conversations_excluded') }}
    where reason = 'deleted'

),

renamed as (

    select
        _record_key as message_key,
        nullif(trim(message_id), '') as message_id,
        trim(conversation_id) as conversation_id,
        {{ intercom_sender_type('sender_type', 'from_ai_agent') }} as sender_type,
        {{ intercom_part_type('part_type') }} as part_type,
        has_body,
        created_at,
        first_response_at as export_first_response_at,
        nullif(trim(priority), '') as priority,
        nullif(trim(assignee_id), '') as assignee_id,
        nullif(trim(tags), '') as tags,
        nullif(trim(author_id), '') as author_id,
        nullif(trim(team_id), '') as team_id,
        {{ json_text('_extra_columns', 'intercom_record') }} as intercom_record,
        cast({{ json_text('_extra_columns', 'intercom_part_position') }} as {{ dbt.type_bigint() }}) as part_position,
        {{ json_text('_extra_columns', 'intercom_assigned_to_type') }} as assigned_to_type,
        {{ json_text('_extra_columns', 'intercom_assigned_to_id') }} as assigned_to_id,
        {{ json_text('_extra_columns', 'intercom_current_admin_id') }} as opening_current_admin_id,
        {{ json_text('_extra_columns', 'intercom_current_team_id') }} as opening_current_team_id,
        -- API objects, streams and exports with a part type record every state change (SPEC §4)
        (
            nullif(trim(part_type), '') is not null
            or {{ json_text('_extra_columns', 'intercom_record') }} is not null
        ) as records_state_events,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at
    from source
    -- a conversation Intercom deleted leaves every mart (SPEC §1 D)
    where not exists (
        select 1
        from deleted
        where deleted.conversation_id = trim(source.conversation_id)
    )

),

exported as (

    -- a message export names the owner on each row as it was (SPEC §7)
    select
        {{ message_columns }},
        assignee_id,
        team_id
    from renamed
    where intercom_record is null

),

api_records as (

    select *
    from renamed
    where intercom_record is not null

),

with_current_owners as (

    -- the opening message carries the conversation's current owners, which stand in where no part
    -- assigns; an API record's owners are replayed as every source's are (SPEC §7)
    select
        *,
        max(opening_current_admin_id) over (partition by conversation_id) as current_admin_id,
        max(opening_current_team_id) over (partition by conversation_id) as current_team_id
    from api_records

),

owned as (

    {{ replayed_owners('with_current_owners', 'message_key') }}

),

replayed as (

    select
        {{ message_columns }},
        replayed_assignee_id as assignee_id,
        replayed_team_id as team_id
    from owned

),

final as (

    select * from exported
    union all
    select * from replayed

)

select * from final
