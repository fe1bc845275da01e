-- Data quality for conversations loaded from the Intercom REST API: the project's figures next to
-- Intercom's own (statistics, sla_applied), one row per conversation and check where Intercom gives a
-- figure, each disagreement with its most likely reason. `parts_loaded` is the completeness check:
-- parts loaded against statistics.count_conversation_parts (sync tools are known to drop parts).
with

conversations as (

    select
        conversation_id,
        in_first_response_scope,
        started_at,
        first_response_at,
        first_response_source,
        first_closed_at,
        last_closed_at,
        reopen_count,
        priority,
        sla_threshold_minutes,
        sla_clock,
        sla_status,
        business_hours_sla_status
    from {{ ref('fct_conversations') }}

),

intercom_figures as (

    select
        conversation_id,
        intercom_first_contact_reply_at,
        intercom_first_admin_reply_at,
        intercom_first_close_at,
        intercom_last_close_at,
        intercom_count_reopens,
        intercom_count_conversation_parts,
        intercom_sla_name,
        intercom_sla_status
    from {{ intercom_staged('conversations') }}
    where intercom_parts_in_export is not null

),

completeness as (

    select
        conversation_id,
        parts_loaded
    from {{ ref('int_conversations_completeness') }}

),

compared as (

    select
        intercom_figures.*,
        conversations.in_first_response_scope,
        conversations.started_at,
        conversations.first_response_at,
        conversations.first_response_source,
        conversations.first_closed_at,
        conversations.last_closed_at,
        conversations.reopen_count,
        conversations.priority,
        conversations.sla_threshold_minutes,
        conversations.sla_clock,
        conversations.sla_status,
        conversations.business_hours_sla_status,
        coalesce(completeness.parts_loaded, 0) as parts_loaded,
        case intercom_figures.intercom_sla_status
            when 'hit' then 'met'
            when 'missed' then 'breached'
            when 'active' then 'pending'
        end as intercom_sla_verdict
    from intercom_figures
    inner join conversations
        on intercom_figures.conversation_id = conversations.conversation_id
    left join completeness
        on intercom_figures.conversation_id = completeness.conversation_id

),

checks as (

    {{ parity_check('started_at', 'case when in_first_response_scope then started_at end',
        'intercom_first_contact_reply_at', 'timestamp') }}
    union all
    {{ parity_check('first_response_at', 'first_response_at', 'intercom_first_admin_reply_at', 'timestamp') }}
    union all
    {{ parity_check('first_closed_at', 'first_closed_at', 'intercom_first_close_at', 'timestamp') }}
    union all
    {{ parity_check('last_closed_at', 'last_closed_at', 'intercom_last_close_at', 'timestamp') }}
    union all
    {{ parity_check('reopen_count', 'reopen_count', 'intercom_count_reopens', 'count') }}
    union all
    {{ parity_check('sla_status', 'sla_status', 'intercom_sla_verdict', 'text') }}
    union all
    {{ parity_check('parts_loaded', 'parts_loaded', 'intercom_count_conversation_parts', 'count') }}

),

explained as (

    select
        *,
        case
            when agrees then null
            when parts_missing
                then
                    'parts missing: the export holds ' || cast(parts_loaded as {{ dbt.type_string() }})
                    || ' of the ' || cast(intercom_count_conversation_parts as {{ dbt.type_string() }})
                    || ' parts Intercom counts (sync tools are known to drop parts)'
            when check_name = 'parts_loaded'
                then 'more parts than Intercom counts: the export repeats or adds parts'
            when check_name = 'first_response_at' and first_response_source = 'export'
                then 'the export''s own first_response_at was used, as SPEC §3 asks'
            when check_name = 'sla_status' and intercom_sla_verdict = business_hours_sla_status
                then 'office hours: Intercom counts only office hours, and the business-hours verdict agrees'
            when check_name = 'sla_status' and intercom_sla_verdict = 'pending'
                then
                    'still running in Intercom; the project counts an unanswered conversation as breached '
                    || '(var unanswered_sla_status)'
            when check_name = 'sla_status' and intercom_sla_name is not null
                then
                    'different target: Intercom applied its SLA "' || intercom_sla_name || '"; the project judges '
                    || priority || ' at ' || cast(sla_threshold_minutes as {{ dbt.type_string() }}) || ' min of '
                    || sla_clock || ' time'
            else 'unexplained'
        end as likely_reason
    from checks

),

final as (

    select
        conversation_id,
        check_name,
        project_value,
        intercom_value,
        agrees,
        likely_reason
    from explained

)

select * from final
