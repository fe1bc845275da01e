with

source as (

    select
        conversation_id,
        user_id,
        started_at,
        resolved_at,
        state,
        assignee_email,
        tags,
        message_count,
        reopen_count,
        priority,
        _extra_columns,
        _version_at,
        _source_file,
        _source_line,
        _loaded_at
    from {{ source('intercom', 'conversations') }}

),

deleted as (

    select conversation_id
    from {{ ref('stg_intercom__conversations_excluded') }}
    where reason = 'deleted'

),

renamed as (

    select
        started_at,
        resolved_at,
        message_count,
        reopen_count,
        _version_at as updated_at,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at,
        trim(conversation_id) as conversation_id,
        nullif(trim(user_id), '') as user_id,
        nullif(lower(trim(state)), '') as state,
        nullif(lower(trim(assignee_email)), '') as assignee_email,
        nullif(trim(tags), '') as tags,
        nullif(trim(priority), '') as priority,
        -- Intercom's own figures, present for conversations loaded from the REST API
        {{ intercom_figure('first_contact_reply_at', 'timestamp') }} as intercom_first_contact_reply_at,
        {{ intercom_figure('first_admin_reply_at', 'timestamp') }} as intercom_first_admin_reply_at,
        {{ intercom_figure('first_close_at', 'timestamp') }} as intercom_first_close_at,
        {{ intercom_figure('last_close_at', 'timestamp') }} as intercom_last_close_at,
        {{ intercom_figure('count_reopens', 'count') }} as intercom_count_reopens,
        {{ intercom_figure('count_conversation_parts', 'count') }} as intercom_count_conversation_parts,
        {{ intercom_figure('parts_in_export', 'count') }} as intercom_parts_in_export,
        {{ intercom_figure('parts_total_count', 'count') }} as intercom_parts_total_count,
        {{ intercom_figure('admin_assignee_id', 'text') }} as intercom_admin_assignee_id,
        {{ intercom_figure('team_assignee_id', 'text') }} as intercom_team_assignee_id,
        {{ intercom_figure('sla_name', 'text') }} as intercom_sla_name,
        lower({{ intercom_figure('sla_status', 'text') }}) as intercom_sla_status
    from source
    -- a conversation Intercom deleted leaves every mart (SPEC §1 D)
    where not exists (
        select 1
        from deleted
        where deleted.conversation_id = trim(source.conversation_id)
    )

)

select * from renamed
